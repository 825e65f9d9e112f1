/* zlib, for reading HumanEval.jsonl.gz (Debian's zlib1g-dev). */
#include <zlib.h>
