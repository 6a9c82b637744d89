/*
 * The machine's own TCP connect() limit, for the discovery benchmark: the tightest loop we know
 * (non-blocking connect + epoll, one thread per core, no rate limit, no bookkeeping) over
 * ADDRS consecutive addresses from BASE × the given ports. Prints probes per second.
 * usage: discovery-climit BASE ADDRS THREADS INFLIGHT PORT...
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint32_t base, addrs;
static int nthreads, inflight_max, nports;
static uint16_t ports[64];

typedef struct { int t; long done, open, closed, other; } work_t;

static void *run(void *arg) {
  work_t *w = arg;
  int ep = epoll_create1(0);
  struct epoll_event evs[1024];
  uint64_t total = (uint64_t)addrs * nports, next = w->t;
  int inflight = 0;
  while (next < total || inflight > 0) {
    while (next < total && inflight < inflight_max) {
      uint32_t ip = base + (uint32_t)(next / nports);
      uint16_t port = ports[next % nports];
      next += nthreads;
      int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (fd < 0) { next -= nthreads; break; }
      struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = {htonl(ip)}};
      if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) { w->open++; w->done++; close(fd); continue; }
      if (errno != EINPROGRESS) { if (errno == ECONNREFUSED) w->closed++; else w->other++; w->done++; close(fd); continue; }
      struct epoll_event ev = {.events = EPOLLOUT, .data = {.fd = fd}};
      epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
      inflight++;
    }
    int n = epoll_wait(ep, evs, 1024, 1000);
    for (int i = 0; i < n; i++) {
      int err = 0; socklen_t len = sizeof err;
      getsockopt(evs[i].data.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) w->open++; else if (err == ECONNREFUSED) w->closed++; else w->other++;
      w->done++;
      close(evs[i].data.fd);
      inflight--;
    }
  }
  close(ep);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: %s BASE ADDRS THREADS INFLIGHT PORT...\n", argv[0]); return 2; }
  struct in_addr a;
  inet_pton(AF_INET, argv[1], &a);
  base = ntohl(a.s_addr);
  addrs = (uint32_t)atoi(argv[2]);
  nthreads = atoi(argv[3]);
  inflight_max = atoi(argv[4]);
  for (int i = 5; i < argc && nports < 64; i++) ports[nports++] = (uint16_t)atoi(argv[i]);
  pthread_t th[64];
  work_t w[64];
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int t = 0; t < nthreads; t++) { memset(&w[t], 0, sizeof w[t]); w[t].t = t; pthread_create(&th[t], NULL, run, &w[t]); }
  long done = 0, open = 0, closed = 0, other = 0;
  for (int t = 0; t < nthreads; t++) { pthread_join(th[t], NULL); done += w[t].done; open += w[t].open; closed += w[t].closed; other += w[t].other; }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("{\"probes\":%ld,\"open\":%ld,\"closed\":%ld,\"other\":%ld,\"seconds\":%.3f,\"rate\":%.0f}\n", done, open, closed, other, s, done / s);
  return 0;
}
