/* floor-server: the kernel floor of a signaling relay on this machine. A measuring instrument, not a product.
 *
 * Why it exists: bench/run.sh reports "server CPU µs per relayed message" for Switchboard, the tutorial's
 * server and peerjs-server. This server shows how low that number can go at all: once a pair is formed it
 * does one read() per readiness into one static buffer and one write() per relayed message (header and
 * payload contiguous, unmasked in place), with no JSON parsing, no allocation and no copy. What it costs is,
 * to a first approximation, what the loopback TCP stack and epoll cost.
 *
 * It speaks just enough of the tutorial's protocol (bench/peers/tutorial-server/server.js) for the load
 * generator's `--server tutorial` dialect: {"type":"createRoom"} -> {"type":"roomCreated","payload":"<id>"};
 * the joiner's {"type":"offer","roomId":"<id>",...} pairs it with the room's creator and is forwarded as
 * it came; from then on every data frame of one member goes to the other as it came. Pings get pongs,
 * close frames get a close frame back. Single-threaded, level-triggered epoll, 127.0.0.1 only.
 *
 *   gcc -O2 -Wall -o floor-server floor.c -lcrypto      (bench/peers/install.sh does this)
 *   taskset -c 0 ./floor-server PORT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS (1 << 17)
#define BUF_SIZE (1 << 20) /* also the largest frame accepted */
#define MAX_HTTP 8192

typedef struct {
    int open, upgraded, partner, room; /* partner: fd or -1; room: index this fd created, or -1 */
    char *pend; size_t npend;          /* bytes of an incomplete request or frame, kept to the next read */
    char *out; size_t nout;            /* what a full socket did not take (rare); flushed on EPOLLOUT */
} conn_t;

static conn_t *conns;
static int *rooms; static size_t nrooms, caprooms; /* room id -> creator fd, or -1 once taken or gone */
static int ep;
static unsigned char buf[BUF_SIZE + 1]; /* + 1: room for the NUL after an HTTP request */

static void watch(int fd, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

static void drop(int fd) {
    conn_t *c = &conns[fd];
    if (c->partner >= 0) conns[c->partner].partner = -1;
    if (c->room >= 0 && rooms[c->room] == fd) rooms[c->room] = -1;
    free(c->pend); free(c->out);
    memset(c, 0, sizeof *c);
    close(fd);
}

/* One write() per message; only what the socket refuses is queued. */
static void send_to(int fd, const void *p, size_t n) {
    conn_t *c = &conns[fd];
    if (!c->open) return;
    if (c->nout == 0) {
        ssize_t w = write(fd, p, n);
        if (w == (ssize_t)n) return;
        if (w < 0 && errno != EAGAIN) return; /* its own EPOLLIN/EPOLLERR will drop it */
        if (w > 0) { p = (const char *)p + w; n -= w; }
        watch(fd, EPOLLIN | EPOLLOUT);
    }
    c->out = realloc(c->out, c->nout + n);
    memcpy(c->out + c->nout, p, n);
    c->nout += n;
}

/* A server frame header written just before the payload (the client's header, 4 bytes longer, was there). */
static unsigned char *frame_at(unsigned char *payload, unsigned char b0, uint64_t len, size_t *total) {
    size_t h = len < 126 ? 2 : len < 65536 ? 4 : 10;
    unsigned char *f = payload - h;
    f[0] = b0;
    if (h == 2) f[1] = (unsigned char)len;
    else if (h == 4) { f[1] = 126; f[2] = len >> 8; f[3] = len; }
    else { f[1] = 127; for (int i = 0; i < 8; i++) f[2 + i] = len >> (56 - 8 * i); }
    *total = h + len;
    return f;
}

static void send_text(int fd, const char *s) {
    unsigned char tmp[256];
    size_t len = strlen(s), total;
    memcpy(tmp + 16, s, len);
    unsigned char *f = frame_at(tmp + 16, 0x81, len, &total);
    send_to(fd, f, total);
}

/* Before pairing only: createRoom, or the joiner's offer. Anything else is dropped. */
static void unpaired(int fd, unsigned char *frame, size_t total, const unsigned char *p, size_t len) {
    char msg[128];
    if (memmem(p, len, "\"type\":\"createRoom\"", 19)) {
        if (nrooms == caprooms) rooms = realloc(rooms, (caprooms = caprooms ? 2 * caprooms : 1024) * sizeof *rooms);
        rooms[nrooms] = fd;
        conns[fd].room = (int)nrooms;
        /* Shaped like the tutorial's uuid v1, so relayed messages are byte for byte as long. */
        snprintf(msg, sizeof msg, "{\"type\":\"roomCreated\",\"payload\":\"%08zx-0000-1000-8000-000000000000\"}", nrooms++);
        send_text(fd, msg);
        return;
    }
    const unsigned char *id = memmem(p, len, "\"roomId\":\"", 10);
    if (!memmem(p, len, "\"type\":\"offer\"", 14) || !id || id + 18 > p + len) return;
    char hex[9];
    memcpy(hex, id + 10, 8); hex[8] = 0;
    char *end;
    unsigned long r = strtoul(hex, &end, 16);
    int creator = (*end == 0 && r < nrooms) ? rooms[r] : -1;
    if (creator < 0 || creator == fd || !conns[creator].open || conns[creator].partner >= 0) {
        send_text(fd, "{\"type\":\"error\",\"payload\":\"room is already full\"}");
        return;
    }
    rooms[r] = -1;
    conns[creator].partner = fd;
    conns[fd].partner = creator;
    send_to(creator, frame, total); /* the offer, as it came */
}

static void unmask(unsigned char *p, uint64_t len, const unsigned char *mask) {
    uint32_t m4;
    uint64_t m8, w, i = 0;
    memcpy(&m4, mask, 4);
    m8 = (uint64_t)m4 << 32 | m4;
    for (; i + 8 <= len; i += 8) { memcpy(&w, p + i, 8); w ^= m8; memcpy(p + i, &w, 8); }
    for (; i < len; i++) p[i] ^= mask[i & 3];
}

/* Parses whole frames in p[0..n); returns how many bytes were consumed, or -1 to drop the connection. */
static long frames(int fd, unsigned char *p, size_t n) {
    size_t at = 0;
    while (n - at >= 2) {
        unsigned char *f = p + at, b0 = f[0];
        if (!(f[1] & 0x80) || (b0 & 0x70)) return -1; /* client frames are masked; no extensions */
        uint64_t len = f[1] & 0x7f;
        size_t h = 2;
        if (len == 126) { if (n - at < 4) break; len = (uint64_t)f[2] << 8 | f[3]; h = 4; }
        else if (len == 127) { if (n - at < 10) break; len = 0; for (int i = 0; i < 8; i++) len = len << 8 | f[2 + i]; h = 10; }
        if (len > BUF_SIZE - 14) return -1;
        if (n - at < h + 4 + len) break;
        unsigned char *mask = f + h, *pl = f + h + 4;
        unmask(pl, len, mask);
        at += h + 4 + len;
        size_t total;
        unsigned char *out = frame_at(pl, b0, len, &total);
        switch (b0 & 0x0f) {
        case 0x8: out[0] = 0x88; send_to(fd, out, total); return -1; /* close: echo it, then hang up */
        case 0x9: out[0] = 0x8a; send_to(fd, out, total); break;      /* ping -> pong */
        case 0xa: break;
        default:
            if (conns[fd].partner >= 0) send_to(conns[fd].partner, out, total);
            else unpaired(fd, out, total, pl, len);
        }
    }
    return (long)at;
}

static const char *header(const char *req, const char *name) {
    size_t n = strlen(name);
    for (const char *l = strstr(req, "\r\n"); l && l[2] != '\r'; l = strstr(l + 2, "\r\n"))
        if (!strncasecmp(l + 2, name, n) && l[2 + n] == ':') {
            const char *v = l + 3 + n;
            while (*v == ' ' || *v == '\t') v++;
            return v;
        }
    return NULL;
}

static int has_token(const char *v, const char *token) {
    if (!v) return 0;
    const char *eol = strstr(v, "\r\n");
    for (size_t n = strlen(token); v + n <= eol; v++)
        if (!strncasecmp(v, token, n)) return 1;
    return 0;
}

/* The HTTP upgrade in p[0..n); returns the bytes it used, 0 if incomplete, -1 to drop the connection. */
static long upgrade(int fd, unsigned char *p, size_t n) {
    unsigned char *end = memmem(p, n, "\r\n\r\n", 4);
    if (!end) return n > MAX_HTTP ? -1 : 0;
    char save = end[4];
    end[4] = 0;
    const char *req = (const char *)p, *key = header(req, "Sec-WebSocket-Key"), *ver = header(req, "Sec-WebSocket-Version");
    int ok = !strncmp(req, "GET ", 4) && strstr(req, " HTTP/1.1\r\n") && key && ver && !strncmp(ver, "13\r\n", 4) &&
             has_token(header(req, "Upgrade"), "websocket") && has_token(header(req, "Connection"), "upgrade");
    size_t klen = key ? strcspn(key, " \t\r\n") : 0;
    if (!ok || klen != 24) {
        static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        send_to(fd, bad, sizeof bad - 1);
        return -1;
    }
    char cat[24 + 36 + 1], accept[64], resp[256];
    unsigned char sha[SHA_DIGEST_LENGTH];
    memcpy(cat, key, 24);
    memcpy(cat + 24, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
    SHA1((unsigned char *)cat, 60, sha);
    EVP_EncodeBlock((unsigned char *)accept, sha, SHA_DIGEST_LENGTH);
    int rn = snprintf(resp, sizeof resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
    send_to(fd, resp, rn);
    end[4] = save;
    conns[fd].upgraded = 1;
    return end + 4 - p;
}

/* One read() per readiness; an incomplete remainder waits in c->pend, in front of the next read. */
static void readable(int fd) {
    conn_t *c = &conns[fd];
    size_t have = c->npend;
    if (have) memcpy(buf, c->pend, have);
    ssize_t r = read(fd, buf + have, BUF_SIZE - have);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) { drop(fd); return; }
    if (r < 0) return;
    size_t n = have + r;
    long used = 0;
    if (!c->upgraded) {
        used = upgrade(fd, buf, n);
        if (used < 0) { drop(fd); return; }
    }
    if (c->upgraded) {
        long f = frames(fd, buf + used, n - used);
        if (f < 0) { drop(fd); return; }
        used += f;
    }
    if ((c->npend = n - used)) {
        c->pend = realloc(c->pend, c->npend);
        memcpy(c->pend, buf + used, c->npend);
    } else if (c->pend) {
        free(c->pend);
        c->pend = NULL;
    }
}

static void writable(int fd) {
    conn_t *c = &conns[fd];
    ssize_t w = write(fd, c->out, c->nout);
    if (w < 0) { if (errno != EAGAIN) drop(fd); return; }
    memmove(c->out, c->out + w, c->nout - w);
    if ((c->nout -= w) == 0) watch(fd, EPOLLIN);
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s PORT\n", argv[0]); return 2; }
    signal(SIGPIPE, SIG_IGN);
    conns = calloc(MAX_FDS, sizeof *conns);
    int one = 1, ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4096)) { perror("floor-server: listen"); return 1; }
    ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls}, evs[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    printf("floor-server listening on 127.0.0.1:%s\n", argv[1]);
    fflush(stdout);
    for (;;) {
        int k = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < k; i++) {
            int fd = evs[i].data.fd;
            if (fd == ls) {
                int c;
                while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    if (c >= MAX_FDS) { close(c); continue; }
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conns[c] = (conn_t){.open = 1, .partner = -1, .room = -1};
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            if (!conns[fd].open) continue;
            if (evs[i].events & EPOLLOUT) writable(fd);
            if (conns[fd].open && evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) readable(fd);
        }
    }
}
