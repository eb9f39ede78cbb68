/* listen.c: see listen.h. */
#include "listen.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

struct db_listener {
  PGconn *pg;
};

db_listener *db_listen(const char *url, const char *application_name, const char *channel) {
  const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
  const char *vals[] = {url, "3", application_name, NULL};
  PGconn *pg = PQconnectdbParams(keys, vals, 1);
  char sql[80];
  snprintf(sql, sizeof sql, "LISTEN %s", channel); /* a constant of the caller's, never input */
  PGresult *r = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
  bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) {
    PQfinish(pg);
    return NULL;
  }
  db_listener *l = malloc(sizeof *l);
  l->pg = pg;
  return l;
}

int db_listener_wait(db_listener *l, int timeout_ms) {
  if (PQstatus(l->pg) != CONNECTION_OK)
    return -1;
  struct pollfd pfd = {PQsocket(l->pg), POLLIN, 0};
  if (poll(&pfd, 1, timeout_ms) <= 0)
    return 0;
  if (!PQconsumeInput(l->pg))
    return -1;
  int any = 0;
  PGnotify *n;
  while ((n = PQnotifies(l->pg))) {
    any = 1;
    PQfreemem(n);
  }
  return any;
}

void db_listener_close(db_listener *l) {
  if (!l)
    return;
  PQfinish(l->pg);
  free(l);
}
