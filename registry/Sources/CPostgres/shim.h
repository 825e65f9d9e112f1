/* libpq, the PostgreSQL client library (Debian's libpq-dev), for the
 * registry's PostgreSQL backend. */
#include <postgresql/libpq-fe.h>
