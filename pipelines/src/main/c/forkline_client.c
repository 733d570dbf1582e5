/*
 * forkline-client: the launcher's fast path to a running daemon (FORKLINE_DAEMON=1).
 *
 *   forkline-client SOCKET STDERR_IS_TERMINAL CLI_ARGS...
 *
 * Hands the run to the daemon listening on SOCKET and relays its stdout, stderr and exit code,
 * exactly as DaemonClient (Java) does, in about a millisecond instead of the 70 to 90 ms a client
 * JVM takes to start. The wire format is DaemonProtocol's (version 1).
 *
 * It never starts a daemon: when none listens on SOCKET it exits 76 at once, having sent nothing,
 * and the launcher runs the Java client, which starts one. It leaves to the Java client, the same
 * way, what it would pass differently: text that is not ASCII under a locale that is not UTF-8.
 * Exit 75 (ExitCodes.DAEMON_UNAVAILABLE):
 * the daemon is busy with another run, or went away before taking this one; the launcher runs it
 * in a JVM of its own. Otherwise the run's exit code, or 3 when the daemon stopped mid-run.
 *
 * If the launcher is killed, so is this client (PR_SET_PDEATHSIG): the socket closes, which ends
 * the daemon's run as a kill ends a run in its own JVM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "forkline_codes.h" /* generated from the Java constants by build.sh */

enum {
  MAGIC = FORKLINE_PROTO_MAGIC, /* "FKLD" */
  VERSION = FORKLINE_PROTO_VERSION,
  REQ_RUN = FORKLINE_PROTO_RUN,
  ACCEPTED = FORKLINE_PROTO_ACCEPTED,
  OUT = FORKLINE_PROTO_OUT,
  ERR = FORKLINE_PROTO_ERR,
  EXIT = FORKLINE_PROTO_EXIT,
  MAX_FRAME = FORKLINE_PROTO_MAX_STRING,
  UNAVAILABLE = FORKLINE_EXIT_DAEMON_UNAVAILABLE, /* run it in a JVM of its own */
  NO_DAEMON = FORKLINE_EXIT_NO_DAEMON,            /* nothing listens: the Java client starts one */
  ABORTED = FORKLINE_EXIT_ABORTED
};

/* The request, built in memory and sent with one write where it fits. */
struct buf {
  unsigned char *data;
  size_t len, cap;
};

static int put(struct buf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    unsigned char *d = realloc(b->data, cap);
    if (!d) return -1;
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}

static int put_int(struct buf *b, uint32_t v) {
  unsigned char x[4] = {v >> 24, v >> 16, v >> 8, v};
  return put(b, x, 4);
}

static int put_string(struct buf *b, const char *s) {
  size_t n = strlen(s);
  if (n > MAX_FRAME) return -1;
  return put_int(b, (uint32_t)n) || put(b, s, n);
}

static int write_all(int fd, const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* 1: read n bytes; 0: the stream ended first; -1: an error. */
static int read_all(int fd, unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r == 0) return 0;
    p += r;
    n -= (size_t)r;
  }
  return 1;
}

static int read_int(int fd, uint32_t *v) {
  unsigned char x[4];
  int r = read_all(fd, x, 4);
  if (r == 1) *v = (uint32_t)x[0] << 24 | (uint32_t)x[1] << 16 | (uint32_t)x[2] << 8 | x[3];
  return r;
}

/* The daemon's log: the socket's path with ".sock" replaced by ".log". */
static void print_stopped(const char *socket_path, uint32_t pid) {
  size_t n = strlen(socket_path);
  int cut = n >= 5 && strcmp(socket_path + n - 5, ".sock") == 0 ? 5 : 0;
  fflush(stdout);
  fprintf(stderr,
          "forkline: the daemon (pid %u) stopped in the middle of the run (its log: %.*s.log); "
          "rows already finished are kept: run again with --resume\n",
          pid, (int)(n - cut), socket_path);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: forkline-client SOCKET STDERR_IS_TERMINAL CLI_ARGS...\n");
    return 2;
  }
  /* Killed with the launcher; if it is already gone, do not start a run nobody waits for. */
  pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) return ABORTED;
  /* A closed stdout or stderr loses what is written there, as in a run's own JVM: no SIGPIPE. */
  signal(SIGPIPE, SIG_IGN);
  /* A stream the caller closed (forkline run ... >&-) must not become the socket, which would then
   * carry the run's output back to the daemon: hold 0 to 2 open on /dev/null. */
  for (int std = 0; std <= 2; std++) {
    if (fcntl(std, F_GETFD) < 0 && errno == EBADF) {
      int null = open("/dev/null", O_RDWR);
      if (null < 0) return NO_DAEMON;
      if (null != std) { /* lower fds are open, so this cannot happen; be safe */
        close(null);
        return NO_DAEMON;
      }
    }
  }

  /* The daemon reads the folder and the arguments as UTF-8, which the Java client converts them to
   * from the locale's charset. Under another charset, text that is not ASCII goes the Java way. */
  setlocale(LC_CTYPE, "");
  int utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
  char *cwd = getcwd(NULL, 0);
  if (!cwd) return NO_DAEMON; /* a folder since deleted: the Java client says so */
  if (!utf8) {
    for (int i = 2; i <= argc; i++) {
      const unsigned char *p = (const unsigned char *)(i == argc ? cwd : argv[i]);
      for (; *p; p++) {
        if (*p >= 0x80) return NO_DAEMON;
      }
    }
  }
  const char *socket_path = argv[1];
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(socket_path) >= sizeof addr.sun_path) return NO_DAEMON;
  strcpy(addr.sun_path, socket_path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return NO_DAEMON;
  int c;
  do {
    c = connect(fd, (struct sockaddr *)&addr, sizeof addr);
  } while (c != 0 && errno == EINTR);
  if (c != 0) return NO_DAEMON;

  struct buf req = {0};
  int bad = put_int(&req, MAGIC) || put_int(&req, VERSION);
  unsigned char kind = REQ_RUN, terminal = strcmp(argv[2], "true") == 0;
  bad = bad || put(&req, &kind, 1) || put_string(&req, cwd) || put(&req, &terminal, 1);
  bad = bad || put_int(&req, (uint32_t)(argc - 3));
  for (int i = 3; i < argc && !bad; i++) bad = put_string(&req, argv[i]);
  if (bad) {
    fprintf(stderr, "forkline: the command line is too long for the daemon\n");
    return UNAVAILABLE;
  }
  /* Nothing taken yet: a daemon that went away here leaves the run to a JVM of its own. */
  if (write_all(fd, req.data, req.len) != 0) return UNAVAILABLE;
  free(req.data);
  free(cwd);

  unsigned char type;
  if (read_all(fd, &type, 1) != 1 || type != ACCEPTED) return UNAVAILABLE; /* BUSY, or gone */
  uint32_t pid = 0;
  if (read_int(fd, &pid) != 1) {
    print_stopped(socket_path, pid);
    return ABORTED;
  }
  unsigned char *frame = malloc(1 << 16);
  size_t frame_cap = 1 << 16;
  if (!frame) return ABORTED;
  for (;;) {
    int r = read_all(fd, &type, 1);
    uint32_t n;
    if (r == 1 && type == EXIT && read_int(fd, &n) == 1) {
      return (int)n;
    }
    if (r == 1 && (type == OUT || type == ERR) && read_int(fd, &n) == 1 && n <= MAX_FRAME) {
      if (n > frame_cap) {
        unsigned char *f = realloc(frame, n);
        if (!f) return ABORTED;
        frame = f;
        frame_cap = n;
      }
      if (read_all(fd, frame, n) == 1) {
        write_all(type == OUT ? STDOUT_FILENO : STDERR_FILENO, frame, n);
        continue;
      }
    }
    /* The end of the stream (or a frame cut short) before the exit code. */
    print_stopped(socket_path, pid);
    return ABORTED;
  }
}
