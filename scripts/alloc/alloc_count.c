/* Counts heap allocations per thread, for the tests that check a hot path allocates nothing
 * (Tests/PresenceTestSupport/AllocationCounter.swift). Loaded with LD_PRELOAD by `make test`:
 *   cc -shared -fPIC -O2 -o libpresenced-alloc-count.so alloc_count.c
 * Per thread, so that tests running in parallel on other threads do not count: a test reads the
 * counter before and after the code it checks, on one thread, with no await in between. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static __thread long allocations;

void *malloc(size_t size) { allocations++; return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { allocations++; return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { allocations++; return __libc_realloc(p, size); }
void *memalign(size_t alignment, size_t size) { allocations++; return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { allocations++; return __libc_memalign(alignment, size); }
int posix_memalign(void **out, size_t alignment, size_t size) {
    allocations++;
    void *p = __libc_memalign(alignment, size);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

/* The calling thread's allocations so far. */
long presenced_alloc_count(void) { return allocations; }
