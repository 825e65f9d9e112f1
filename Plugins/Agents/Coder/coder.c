/* Replaced by the coder agent (issue 13). */
typedef int kai_coder_placeholder;
