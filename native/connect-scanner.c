/*
 * mamori's native discovery engine: non-blocking TCP connect() probes driven by epoll on one
 * background thread, fed and drained in batches so the JavaScript side pays per batch, not per
 * probe. The thread owns every socket; JavaScript only submits (id, ip, port) triples and
 * receives (id, state) pairs. Rate limit, in-flight cap, timeout and retries are enforced here,
 * where the clock and the sockets are; per-host caps and target order stay in JavaScript.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { ST_OPEN = 0, ST_CLOSED = 1, ST_FILTERED = 2, ST_ERROR = 3 };

typedef struct {
  uint32_t id;
  uint32_t ip; /* host order */
  uint16_t port;
  uint8_t tries;
} probe_t;

typedef struct {
  probe_t probe;
  uint32_t gen;
  uint8_t active;
} slot_t;

typedef struct {
  int fd;
  uint32_t gen;
  int64_t deadline_ns;
} deadline_t;

typedef struct {
  uint32_t n;
  uint32_t *ids;
  uint8_t *states;
} batch_t;

/* A FIFO of probes; grows on demand (bounded by what JavaScript submits). */
typedef struct {
  probe_t *items;
  size_t head, len, cap;
} pqueue_t;

typedef struct {
  /* configuration */
  uint32_t max_inflight;
  int64_t timeout_ns;
  double rate; /* probes per second; <= 0 means unlimited */
  uint8_t retries;
  /* shared with JavaScript, under mu */
  pthread_mutex_t mu;
  pqueue_t input;
  int closing;
  /* thread-owned */
  pthread_t thread;
  int epfd, wakefd;
  slot_t *slots;
  size_t nslots;
  deadline_t *dl; /* ring of deadlines; timeouts are equal, so start order is deadline order */
  size_t dl_head, dl_len, dl_cap;
  pqueue_t pending; /* taken from input, waiting for a token or a free slot */
  pqueue_t retry;
  uint32_t inflight;
  double tokens;
  int64_t last_refill;
  batch_t out;
  int64_t last_flush;
  napi_threadsafe_function tsfn;
} scanner_t;

static void finalize(napi_env env, void *data, void *hint);

#define OUT_MAX 8192
#define FLUSH_NS 2000000LL

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int pq_push(pqueue_t *q, probe_t p) {
  if (q->len == q->cap) {
    size_t ncap = q->cap ? q->cap * 2 : 4096;
    probe_t *n = malloc(ncap * sizeof(probe_t));
    if (!n) return -1;
    for (size_t i = 0; i < q->len; i++) n[i] = q->items[(q->head + i) % q->cap];
    free(q->items);
    q->items = n;
    q->head = 0;
    q->cap = ncap;
  }
  q->items[(q->head + q->len) % q->cap] = p;
  q->len++;
  return 0;
}

static probe_t pq_pop(pqueue_t *q) {
  probe_t p = q->items[q->head];
  q->head = (q->head + 1) % q->cap;
  q->len--;
  return p;
}

static void out_alloc(scanner_t *s) {
  s->out.n = 0;
  s->out.ids = malloc(OUT_MAX * sizeof(uint32_t));
  s->out.states = malloc(OUT_MAX);
}

static void flush(scanner_t *s) {
  if (s->out.n == 0) return;
  batch_t *b = malloc(sizeof(batch_t));
  if (!b) return;
  *b = s->out;
  if (napi_call_threadsafe_function(s->tsfn, b, napi_tsfn_nonblocking) != napi_ok) {
    free(b->ids);
    free(b->states);
    free(b);
  }
  out_alloc(s);
  s->last_flush = now_ns();
}

static void emit(scanner_t *s, uint32_t id, uint8_t state) {
  s->out.ids[s->out.n] = id;
  s->out.states[s->out.n] = state;
  if (++s->out.n == OUT_MAX) flush(s);
}

/* An open port is closed with RST at once (as nmap -sT does): no TIME_WAIT, no data. */
static void close_reset(int fd) {
  struct linger lg = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
}

static uint8_t state_of_errno(int err) {
  switch (err) {
    case 0: return ST_OPEN;
    case ECONNREFUSED: return ST_CLOSED;
    case ETIMEDOUT:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN: return ST_FILTERED;
    default: return ST_ERROR;
  }
}

static void finish_slot(scanner_t *s, int fd, uint8_t state);

/*
 * Entries of probes that already finished stay in the ring until their deadline passes (at high
 * rates, more than the sockets in flight), so the ring grows when full.
 */
static int grow_deadlines(scanner_t *s) {
  size_t ncap = s->dl_cap * 2;
  deadline_t *n = malloc(ncap * sizeof(deadline_t));
  if (!n) return -1;
  for (size_t i = 0; i < s->dl_len; i++) n[i] = s->dl[(s->dl_head + i) % s->dl_cap];
  free(s->dl);
  s->dl = n;
  s->dl_head = 0;
  s->dl_cap = ncap;
  return 0;
}

/* Starts one probe. Returns 0 if it started or finished, -1 if local resources ran out (retry later). */
static int start_probe(scanner_t *s, probe_t p, int64_t now) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if ((size_t)fd >= s->nslots) {
    close(fd);
    return -1;
  }
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(p.port);
  sa.sin_addr.s_addr = htonl(p.ip);
  p.tries++;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
    close_reset(fd);
    emit(s, p.id, ST_OPEN);
    return 0;
  }
  int err = errno;
  if (err == EINPROGRESS) {
    struct epoll_event ev = {.events = EPOLLOUT, .data = {.fd = fd}};
    if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      close(fd);
      return -1;
    }
    slot_t *sl = &s->slots[fd];
    sl->probe = p;
    sl->gen++;
    sl->active = 1;
    s->inflight++;
    deadline_t d = {fd, sl->gen, now + s->timeout_ns};
    if (s->dl_len == s->dl_cap && grow_deadlines(s) != 0) {
      finish_slot(s, fd, ST_ERROR);
      return 0;
    }
    s->dl[(s->dl_head + s->dl_len) % s->dl_cap] = d;
    s->dl_len++;
    return 0;
  }
  close(fd);
  if (err == EADDRNOTAVAIL || err == EAGAIN || err == ENOBUFS || err == ENOMEM) return -1;
  emit(s, p.id, state_of_errno(err));
  return 0;
}

static void finish_slot(scanner_t *s, int fd, uint8_t state) {
  slot_t *sl = &s->slots[fd];
  sl->active = 0;
  s->inflight--;
  if (state == ST_OPEN) close_reset(fd);
  else close(fd);
  emit(s, sl->probe.id, state);
}

static void expire(scanner_t *s, int64_t now) {
  while (s->dl_len > 0) {
    deadline_t d = s->dl[s->dl_head];
    if (d.deadline_ns > now) break;
    s->dl_head = (s->dl_head + 1) % s->dl_cap;
    s->dl_len--;
    slot_t *sl = &s->slots[d.fd];
    if (!sl->active || sl->gen != d.gen) continue;
    probe_t p = sl->probe;
    if (p.tries <= s->retries) {
      sl->active = 0;
      s->inflight--;
      close(d.fd);
      pq_push(&s->retry, p);
    } else {
      finish_slot(s, d.fd, ST_FILTERED);
    }
  }
}

static void refill(scanner_t *s, int64_t now) {
  if (s->rate <= 0) return;
  double burst = s->rate / 500.0; /* 2 ms worth of probes */
  if (burst < 1) burst = 1;
  s->tokens += (double)(now - s->last_refill) * s->rate / 1e9;
  if (s->tokens > burst) s->tokens = burst;
  s->last_refill = now;
}

static void admit(scanner_t *s, int64_t now) {
  if (s->pending.len == 0) {
    pthread_mutex_lock(&s->mu);
    while (s->input.len > 0) pq_push(&s->pending, pq_pop(&s->input));
    pthread_mutex_unlock(&s->mu);
  }
  refill(s, now);
  while (s->inflight < s->max_inflight && (s->retry.len > 0 || s->pending.len > 0)) {
    if (s->rate > 0 && s->tokens < 1) break;
    pqueue_t *q = s->retry.len > 0 ? &s->retry : &s->pending;
    probe_t p = pq_pop(q);
    if (start_probe(s, p, now) != 0) {
      /* out of fds or local ports: put it back and let in-flight probes finish first */
      pq_push(&s->retry, p);
      break;
    }
    if (s->rate > 0) s->tokens -= 1;
  }
}

static void *run(void *arg) {
  scanner_t *s = arg;
  struct epoll_event evs[1024];
  s->last_refill = now_ns();
  s->last_flush = s->last_refill;
  for (;;) {
    int64_t now = now_ns();
    pthread_mutex_lock(&s->mu);
    int closing = s->closing;
    pthread_mutex_unlock(&s->mu);
    if (closing) break;
    expire(s, now);
    admit(s, now);
    if (s->out.n > 0 && now - s->last_flush >= FLUSH_NS) flush(s);

    int wait_ms = -1;
    if (s->dl_len > 0) {
      int64_t until = s->dl[s->dl_head].deadline_ns - now;
      wait_ms = until <= 0 ? 0 : (int)((until + 999999) / 1000000);
    }
    int waiting_work = s->retry.len > 0 || s->pending.len > 0;
    if (waiting_work && s->inflight < s->max_inflight) wait_ms = (wait_ms < 0 || wait_ms > 1) ? 1 : wait_ms;
    if (s->out.n > 0) wait_ms = (wait_ms < 0 || wait_ms > 2) ? 2 : wait_ms;
    int n = epoll_wait(s->epfd, evs, 1024, wait_ms);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == s->wakefd) {
        uint64_t v;
        if (read(fd, &v, sizeof v) < 0) { /* nothing to drain */ }
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      finish_slot(s, fd, state_of_errno(err));
    }
  }
  /* aborted: in-flight probes are dropped unreported (the caller re-probes them on resume) */
  for (size_t fd = 0; fd < s->nslots; fd++) {
    if (s->slots[fd].active) close((int)fd);
  }
  flush(s);
  return NULL;
}

static void call_js(napi_env env, napi_value cb, void *ctx, void *data) {
  (void)ctx;
  batch_t *b = data;
  if (env != NULL && cb != NULL) {
    napi_value ab_ids, ab_states, ids, states, undef;
    void *p;
    napi_create_arraybuffer(env, b->n * sizeof(uint32_t), &p, &ab_ids);
    memcpy(p, b->ids, b->n * sizeof(uint32_t));
    napi_create_typedarray(env, napi_uint32_array, b->n, ab_ids, 0, &ids);
    napi_create_arraybuffer(env, b->n, &p, &ab_states);
    memcpy(p, b->states, b->n);
    napi_create_typedarray(env, napi_uint8_array, b->n, ab_states, 0, &states);
    napi_get_undefined(env, &undef);
    napi_value argv[2] = {ids, states};
    napi_call_function(env, undef, cb, 2, argv, NULL);
  }
  free(b->ids);
  free(b->states);
  free(b);
}

static double get_num(napi_env env, napi_value obj, const char *key, double dflt) {
  napi_value v;
  bool has = false;
  if (napi_has_named_property(env, obj, key, &has) != napi_ok || !has) return dflt;
  napi_get_named_property(env, obj, key, &v);
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) return dflt;
  return d;
}

/* Raises RLIMIT_NOFILE toward `want` (root may also raise the hard limit); returns the usable count. */
static size_t raise_nofile(size_t want) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur >= want) return rl.rlim_cur;
  struct rlimit up = {want, want > rl.rlim_max ? want : rl.rlim_max};
  if (setrlimit(RLIMIT_NOFILE, &up) == 0) return want;
  up.rlim_cur = rl.rlim_max;
  up.rlim_max = rl.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &up) == 0) return rl.rlim_max;
  return rl.rlim_cur;
}

static void release_scanner(scanner_t *s) {
  if (s->epfd >= 0) close(s->epfd);
  if (s->wakefd >= 0) close(s->wakefd);
  free(s->slots);
  free(s->dl);
  free(s->input.items);
  free(s->pending.items);
  free(s->retry.items);
  free(s->out.ids);
  free(s->out.states);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

#define THROW(msg)                           \
  do {                                       \
    napi_throw_error(env, "ERR_NATIVE", msg); \
    return NULL;                             \
  } while (0)

/* create({maxInflight, timeoutMs, rate, retries}, onResults(ids, states)) -> handle */
static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) THROW("create(options, onResults) needs two arguments");
  scanner_t *s = calloc(1, sizeof(scanner_t));
  if (!s) THROW("out of memory");
  s->epfd = -1;
  s->wakefd = -1;
  pthread_mutex_init(&s->mu, NULL);
  s->max_inflight = (uint32_t)get_num(env, argv[0], "maxInflight", 4096);
  s->timeout_ns = (int64_t)(get_num(env, argv[0], "timeoutMs", 1000) * 1e6);
  s->rate = get_num(env, argv[0], "rate", 0);
  s->retries = (uint8_t)get_num(env, argv[0], "retries", 1);
  size_t fds = raise_nofile((size_t)s->max_inflight + 256);
  if (s->max_inflight + 64 > fds) s->max_inflight = fds > 128 ? (uint32_t)(fds - 64) : 64;
  s->nslots = fds;
  s->slots = calloc(s->nslots, sizeof(slot_t));
  s->dl_cap = s->nslots;
  s->dl = calloc(s->dl_cap, sizeof(deadline_t));
  out_alloc(s);
  s->epfd = epoll_create1(EPOLL_CLOEXEC);
  s->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (!s->slots || !s->dl || !s->out.ids || !s->out.states || s->epfd < 0 || s->wakefd < 0) {
    release_scanner(s);
    THROW("cannot allocate the scanner");
  }
  struct epoll_event ev = {.events = EPOLLIN, .data = {.fd = s->wakefd}};
  epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->wakefd, &ev);
  napi_value name;
  napi_create_string_utf8(env, "mamori-connect-scanner", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[1], NULL, name, 0, 1, NULL, NULL, NULL, call_js, &s->tsfn) !=
      napi_ok) {
    release_scanner(s);
    THROW("cannot create the result callback");
  }
  if (pthread_create(&s->thread, NULL, run, s) != 0) {
    napi_release_threadsafe_function(s->tsfn, napi_tsfn_release);
    release_scanner(s);
    THROW("cannot start the scanner thread");
  }
  napi_value handle;
  napi_create_external(env, s, finalize, NULL, &handle);
  return handle;
}

static scanner_t *get_scanner(napi_env env, napi_value v) {
  void *p = NULL;
  napi_get_value_external(env, v, &p);
  return p;
}

static void *typed_data(napi_env env, napi_value v, napi_typedarray_type want, size_t *len) {
  napi_typedarray_type t;
  void *data = NULL;
  if (napi_get_typedarray_info(env, v, &t, len, &data, NULL, NULL) != napi_ok || t != want) return NULL;
  return data;
}

/* submit(handle, ids: Uint32Array, ips: Uint32Array, ports: Uint16Array, count) */
static napi_value submit(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) THROW("submit needs five arguments");
  scanner_t *s = get_scanner(env, argv[0]);
  size_t nid, nip, nport;
  uint32_t *ids = typed_data(env, argv[1], napi_uint32_array, &nid);
  uint32_t *ips = typed_data(env, argv[2], napi_uint32_array, &nip);
  uint16_t *ports = typed_data(env, argv[3], napi_uint16_array, &nport);
  uint32_t count;
  if (!s || !ids || !ips || !ports || napi_get_value_uint32(env, argv[4], &count) != napi_ok) {
    THROW("submit: bad arguments");
  }
  if (count > nid || count > nip || count > nport) THROW("submit: count exceeds the arrays");
  pthread_mutex_lock(&s->mu);
  int failed = 0;
  if (s->closing) count = 0;
  for (uint32_t i = 0; i < count && !failed; i++) {
    probe_t p = {ids[i], ips[i], ports[i], 0};
    failed = pq_push(&s->input, p);
  }
  pthread_mutex_unlock(&s->mu);
  if (failed) THROW("submit: out of memory");
  uint64_t one = 1;
  if (write(s->wakefd, &one, sizeof one) < 0) { /* the thread wakes within 1 ms anyway */ }
  return NULL;
}

static void stop_thread(scanner_t *s) {
  uint64_t one = 1;
  if (write(s->wakefd, &one, sizeof one) < 0) { /* the thread wakes within 1 ms anyway */ }
  pthread_join(s->thread, NULL);
  napi_release_threadsafe_function(s->tsfn, napi_tsfn_release);
}

/* Frees the scanner when its handle is collected, stopping it first if close() was never called. */
static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  scanner_t *s = data;
  pthread_mutex_lock(&s->mu);
  int was = s->closing;
  s->closing = 1;
  pthread_mutex_unlock(&s->mu);
  if (!was) stop_thread(s);
  release_scanner(s);
}

/* close(handle): stops the thread; probes not yet reported are dropped. */
static napi_value close_scanner(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  scanner_t *s = argc > 0 ? get_scanner(env, argv[0]) : NULL;
  if (!s) THROW("close: bad handle");
  pthread_mutex_lock(&s->mu);
  int was = s->closing;
  s->closing = 1;
  pthread_mutex_unlock(&s->mu);
  if (was) return NULL;
  stop_thread(s);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"create", NULL, create, NULL, NULL, NULL, napi_default, NULL},
      {"submit", NULL, submit, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_scanner, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 3, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
