# Looks for host secrets: /etc/shadow, root's keys, and the host environment.
cat /etc/shadow 2>&1 | head -1
ls /root 2>&1 | head -1
echo "KAI_DEMO_SECRET=${KAI_DEMO_SECRET:-<not visible>}"
