/*
 * pause-probe: tells a pause of the machine from a slow server.
 *
 * Sleeps 1 ms at a time for the given number of seconds and prints every wake-up that came more than
 * THRESHOLD ms late, as "<CLOCK_MONOTONIC seconds> <ms late>". Run one pinned to each CPU beside a
 * benchmark: a wake-up that is late on every CPU at the same moment means the whole (virtual) machine
 * stopped, which no process in it can cause or avoid. Lines go out as they happen, so the output can be
 * lined up with the load generator's --slow-log while both run.
 *
 *   taskset -c 0 pause-probe 60 & taskset -c 1 pause-probe 60
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: pause-probe SECONDS [THRESHOLD_MS (default 4)]\n");
        return 2;
    }

    double duration = atof(argv[1]);
    double threshold_ms = argc > 2 ? atof(argv[2]) : 4.0;
    const struct timespec one_ms = {0, 1000000};
    setvbuf(stdout, NULL, _IOLBF, 0);

    double end = now_seconds() + duration;
    for (;;) {
        double before = now_seconds();
        if (before > end) {
            break;
        }
        nanosleep(&one_ms, NULL);
        double late_ms = (now_seconds() - before) * 1000.0 - 1.0;
        if (late_ms > threshold_ms) {
            printf("%.3f %.1f\n", before, late_ms);
        }
    }
    return 0;
}
