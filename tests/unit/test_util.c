/* test_util - buf, arena, ipaddr, domain, file, lru */
#include <setjmp.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/domain.h"
#include "util/file.h"
#include "util/hist.h"
#include "util/ipaddr.h"
#include "util/lru.h"

/* test_buf_bounds - all-or-nothing appends, sticky overflow */
static void
test_buf_bounds(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "abcd"), 0);
	assert_int_equal(buf_printf(&b, "%d", 1234), 0);
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_putc(&b, 'x'), -1);
	assert_true(b.overflow);
	assert_string_equal(b.data, "abcd1234");
	assert_int_equal(buf_printf(&b, "%s", "y"), -1);
	buf_reset(&b);
	assert_false(b.overflow);
	assert_int_equal(buf_append(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.data[3], 0);
	buf_free(&b);
}

/* test_buf_store - lent storage: used in place, left on growth, never
 * freed (ASan would see a free of the stack), copied by buf_steal */
static void
test_buf_store(void **state)
{
	char store[8], *p;
	struct buf b;

	(void)state;
	buf_init_store(&b, 64, store, sizeof(store));
	assert_string_equal(b.data, "");
	assert_int_equal(buf_puts(&b, "abcdefg"), 0);
	assert_ptr_equal(b.data, store);	/* 7 and the NUL fit */
	assert_int_equal(buf_printf(&b, "%d", 89), 0);
	assert_ptr_not_equal(b.data, store);	/* moved to the heap */
	assert_string_equal(b.data, "abcdefg89");
	assert_int_equal(buf_putc(&b, 'z'), 0);
	assert_string_equal(b.data, "abcdefg89z");
	buf_free(&b);

	/* printf that fits in place; an overflow leaves it empty */
	buf_init_store(&b, 7, store, sizeof(store));
	assert_int_equal(buf_printf(&b, "%s", "12345"), 0);
	assert_ptr_equal(b.data, store);
	assert_int_equal(buf_printf(&b, "%s", "678"), -1);
	assert_true(b.overflow);
	assert_string_equal(b.data, "12345");
	buf_free(&b);

	/* steal: a heap copy of the lent bytes */
	buf_init_store(&b, 64, store, sizeof(store));
	buf_puts(&b, "xyz");
	p = buf_steal(&b);
	assert_ptr_not_equal(p, store);
	assert_string_equal(p, "xyz");
	assert_null(b.data);
	free(p);
	buf_free(&b);
}

/* test_buf_put - numbers and cut strings without printf */
static void
test_buf_put(void **state)
{
	static const unsigned long long v[] = {
		0, 7, 10, 99, 100, 4294967295ULL, 18446744073709551615ULL,
	};
	char want[32];
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 64);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		buf_reset(&b);
		assert_int_equal(buf_put_uint(&b, v[i]), 0);
		snprintf(want, sizeof(want), "%llu", v[i]);
		assert_string_equal(b.data, want);
	}
	buf_reset(&b);
	assert_int_equal(buf_put_cut(&b, "abcdef", 3), 0);
	assert_int_equal(buf_put_cut(&b, "xy", 10), 0);
	assert_int_equal(buf_put_cut(&b, "", 10), 0);
	assert_string_equal(b.data, "abcxy");
	buf_free(&b);
	/* all or nothing at the bound, as every append */
	buf_init(&b, 3);
	assert_int_equal(buf_put_uint(&b, 1234), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_put_cut(&b, "abcdef", 4), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* test_arena - aligned, large and many allocations, reset */
static void
test_arena(void **state)
{
	struct arena *a = arena_new(256);
	char *big;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		void *p = arena_alloc(a, (size_t)(i % 37) + 1);

		assert_int_equal((uintptr_t)p % 16, 0);
	}
	big = arena_zalloc(a, 100000);
	assert_int_equal(big[99999], 0);
	assert_string_equal(arena_memdup(a, "abc", 2), "ab");
	arena_reset(a);
	assert_int_equal(arena_used(a), 0);
	assert_non_null(arena_strdup(a, "again"));
	/* a reset many times over keeps the arena (it lives in its first
	 * block) and serves more than a block again */
	for (i = 0; i < 3; i++) {
		arena_reset(a);
		assert_non_null(arena_alloc(a, 300));
		assert_non_null(arena_alloc(a, 5000));
	}
	{
		int *v = NULL, *w;
		size_t n;

		/* grow: the old elements come along */
		for (n = 1; n <= 64; n *= 2) {
			w = arena_grow(a, v, n / 2 * sizeof(*v), n * sizeof(*v));
			if (n > 1)
				assert_int_equal(w[n / 2 - 1], (int)(n / 2 - 1));
			w[n - 1] = (int)(n - 1);
			v = w;
		}
	}
	arena_free(a);
	arena_free(NULL);
}

struct ip_case {
	const char     *in;
	int		family;	/* 0: refused */
	const char     *canon;
};

static const struct ip_case ip_cases[] = {
	{"192.0.2.1", 4, "192.0.2.1"},
	{"0.0.0.0", 4, "0.0.0.0"},
	{"255.255.255.255", 4, "255.255.255.255"},
	{"2001:DB8::CB01", 6, "2001:db8::cb01"},
	{"::ffff:192.0.2.9", 4, "192.0.2.9"},
	{"::FFFF:c000:0209", 4, "192.0.2.9"},
	{"::1", 6, "::1"},
	{"10.100.9.99", 4, "10.100.9.99"},
	{"1.20.0.205", 4, "1.20.0.205"},
	{"192.0.2.01", 0, NULL},
	{"192.0.2", 0, NULL},
	{"192.0.2.256", 0, NULL},
	{"192.0.2.1.", 0, NULL},
	{"", 0, NULL},
	{"2001:db8::g", 0, NULL},
	{"[::1]", 0, NULL},
	{" 192.0.2.1", 0, NULL},
};

/* test_ipaddr_parse - text forms */
static void
test_ipaddr_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ip_cases) / sizeof(*ip_cases); i++) {
		struct ipaddr ip;
		char out[IPADDR_STRLEN];
		int r = ipaddr_parse(ip_cases[i].in, &ip);

		if (ip_cases[i].family == 0) {
			if (r == 0)
				fail_msg("'%s' accepted", ip_cases[i].in);
			continue;
		}
		if (r != 0 || ip.family != ip_cases[i].family)
			fail_msg("'%s': %d family %d", ip_cases[i].in, r,
			    ip.family);
		ipaddr_format(&ip, out);
		assert_string_equal(out, ip_cases[i].canon);
	}
	/* the dotted quad written by hand: as inet_ntop(3), every octet */
	{
		struct ipaddr ip;
		char out[IPADDR_STRLEN], want[INET_ADDRSTRLEN];
		unsigned v;

		memset(&ip, 0, sizeof(ip));
		ip.family = 4;
		for (v = 0; v < 256; v++) {
			ip.a[0] = (unsigned char)v;
			ip.a[1] = (unsigned char)(255 - v);
			ip.a[2] = (unsigned char)(v * 7);
			ip.a[3] = (unsigned char)(v / 3);
			ipaddr_format(&ip, out);
			inet_ntop(AF_INET, ip.a, want, sizeof(want));
			assert_string_equal(out, want);
		}
	}
	/* counted text: an embedded NUL is no address (v6 and v4) */
	{
		struct ipaddr ip;

		assert_int_equal(ipaddr_parse_n("2001:db8::\0x", 12, &ip),
		    -1);
		assert_int_equal(ipaddr_parse_n("::1\0", 4, &ip), -1);
		assert_int_equal(ipaddr_parse_n("192.0.2.1\0", 10, &ip), -1);
		assert_int_equal(ipaddr_parse_n("2001:db8::1x", 11, &ip), 0);
	}
}

/* test_ipaddr_match - CIDR edges */
static void
test_ipaddr_match(void **state)
{
	struct ipaddr a, n;
	struct buf b;

	(void)state;
	ipaddr_parse("192.0.2.129", &a);
	ipaddr_parse("192.0.2.128", &n);
	assert_true(ipaddr_match(&a, &n, 25));
	assert_true(ipaddr_match(&a, &n, 31));
	assert_false(ipaddr_match(&a, &n, 32));
	assert_true(ipaddr_match(&a, &n, 0));
	ipaddr_parse("2001:db8::1", &n);
	assert_false(ipaddr_match(&a, &n, 0));	/* families differ */
	ipaddr_parse("2001:db8:ffff::1", &a);
	assert_true(ipaddr_match(&a, &n, 32));
	assert_false(ipaddr_match(&a, &n, 33));
	buf_init(&b, 256);
	ipaddr_parse("192.0.2.3", &a);
	ipaddr_reverse_name(&a, &b);
	assert_string_equal(b.data, "3.2.0.192.in-addr.arpa");
	buf_reset(&b);
	ipaddr_parse("2001:db8::cb01", &a);
	ipaddr_reverse_name(&a, &b);
	assert_string_equal(b.data, "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
	    ".0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	buf_free(&b);
	ipaddr_parse("192.0.2.255", &a);
	ipaddr_mask(&a, 24);
	ipaddr_parse("192.0.2.0", &n);
	assert_true(ipaddr_equal(&a, &n));
}

struct domain_case {
	const char     *name;
	enum domain_status st;
};

static const struct domain_case domain_cases[] = {
	{"example.com", DOMAIN_OK},
	{"example.com.", DOMAIN_OK},
	{"localhost", DOMAIN_SINGLE_LABEL},
	{"a..example.com", DOMAIN_EMPTY_LABEL},
	{".example.com", DOMAIN_EMPTY_LABEL},
	{"", DOMAIN_EMPTY_LABEL},
	{"A123456789012345678901234567890123456789012345678901234567890123"
	 ".example.com", DOMAIN_LONG_LABEL},
	{"A12345678901234567890123456789012345678901234567890123456789012"
	 ".example.com", DOMAIN_OK},
	{"a b.example.com", DOMAIN_BAD_CHAR},
};

/* test_domain - name rules and comparisons */
static void
test_domain(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(domain_cases) / sizeof(*domain_cases); i++)
		assert_int_equal(domain_check(domain_cases[i].name,
		    strlen(domain_cases[i].name)), domain_cases[i].st);
	assert_true(domain_eq("Example.COM.", 12, "example.com", 11));
	assert_true(domain_is_within("mx.Example.com", 14, "example.com",
	    11));
	assert_true(domain_is_within("example.com", 11, "example.com.", 12));
	assert_false(domain_is_within("badexample.com", 14, "example.com",
	    11));
	assert_false(domain_is_within("com", 3, "example.com", 11));
}

struct hostport_case {
	const char     *in;
	const char     *fwd;		/* NULL: refused */
};

static const struct hostport_case hostport_cases[] = {
	{"127.0.0.1", "127.0.0.1@53"},
	{"127.0.0.1:5353", "127.0.0.1@5353"},
	{"::1", "::1@53"},
	{"[::1]:5353", "::1@5353"},
	{"[2001:DB8::1]", "2001:db8::1@53"},
	{"127.0.0.1:", NULL},
	{"127.0.0.1:0", NULL},
	{"127.0.0.1:65536", NULL},
	{"127.0.0.1:53x", NULL},
	{"[::1", NULL},
	{"[::1]x", NULL},
	{"localhost:53", NULL},
	{"", NULL},
};

/* test_hostport - --dns HOST:PORT to libunbound's IP@PORT */
static void
test_hostport(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostport_cases) / sizeof(*hostport_cases);
	    i++) {
		struct buf b;
		int r;

		buf_init(&b, 128);
		r = ipaddr_format_forwarder(hostport_cases[i].in, &b);
		if (hostport_cases[i].fwd == NULL) {
			if (r == 0)
				fail_msg("'%s' accepted", hostport_cases[i].in);
		} else if (r != 0 || strcmp(b.data, hostport_cases[i].fwd) != 0)
			fail_msg("'%s': got '%s'", hostport_cases[i].in,
			    r == 0 ? b.data : "(refused)");
		buf_free(&b);
	}
}

/* test_file_read - whole files, and max + 1 bytes of a longer one */
static void
test_file_read(void **state)
{
	char path[] = "/tmp/rmxf-test-file.XXXXXX", *text;
	size_t len;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc\0def", 7), 7);
	close(fd);
	assert_int_equal(file_read(path, 100, &text, &len), 0);
	assert_int_equal(len, 7);
	assert_memory_equal(text, "abc\0def", 8);
	free(text);
	assert_int_equal(file_read(path, 3, &text, &len), 0);
	assert_int_equal(len, 4);	/* the caller sees "too long" */
	free(text);
	unlink(path);
	assert_int_equal(file_read(path, 100, &text, &len), -1);
	assert_null(text);
}

/* An entry of the lru tests: the link not first, as LRU_ENTRY allows. */
struct test_lru_ent {
	int		key;
	struct lru_link	link;
	int		in;
};

#define TEST_LRU_N	64

/* test_lru_find - the entry of key through the chains, or NULL */
static struct test_lru_ent *
test_lru_find(const struct lru *l, int key, unsigned (*hash)(int))
{
	unsigned h = hash(key);
	struct lru_link *p;

	for (p = lru_chain(l, h); p != NULL; p = p->next)
		if (p->hash == h &&
		    LRU_ENTRY(p, struct test_lru_ent, link)->key == key)
			return LRU_ENTRY(p, struct test_lru_ent, link);
	return NULL;
}

static unsigned
test_lru_hash_fnv(int key)
{
	return lru_fnv(LRU_FNV_INIT, &key, sizeof(key));
}

/* every key in one chain: deletion from its middle, head and tail */
static unsigned
test_lru_hash_same(int key)
{
	(void)key;
	return 7;
}

/* test_lru_model - random adds, touches and deletes against an array
 * that holds the keys from the oldest to the newest */
static void
test_lru_model(unsigned (*hash)(int))
{
	struct test_lru_ent ent[TEST_LRU_N];
	int order[TEST_LRU_N], norder = 0, i, j, k, op;
	unsigned seed = 12345;
	struct lru l;
	struct lru_link *p;

	memset(ent, 0, sizeof(ent));
	for (i = 0; i < TEST_LRU_N; i++)
		ent[i].key = i * 31 + 5;
	lru_init(&l, 10);
	assert_int_equal(l.nbucket, 64);
	for (k = 0; k < 5000; k++) {
		seed = seed * 1103515245u + 12345u;
		i = (int)((seed >> 8) % TEST_LRU_N);
		op = (int)((seed >> 20) % 3);
		if (!ent[i].in) {
			lru_add(&l, &ent[i].link, hash(ent[i].key));
			ent[i].in = 1;
			order[norder++] = i;
		} else {
			for (j = 0; order[j] != i; j++)
				;
			memmove(order + j, order + j + 1,
			    (size_t)(norder - j - 1) * sizeof(order[0]));
			norder--;
			if (op == 0) {
				lru_del(&l, &ent[i].link);
				ent[i].in = 0;
			} else {
				lru_touch(&l, &ent[i].link);
				order[norder++] = i;
			}
		}
		/* the table agrees with the model after every change */
		assert_int_equal(l.n, (size_t)norder);
		for (j = 0, p = l.oldest; p != NULL; p = p->newer, j++) {
			assert_true(j < norder);
			assert_ptr_equal(p, &ent[order[j]].link);
			assert_ptr_equal(p->newer == NULL ? l.newest :
			    p->newer->older, p);
		}
		assert_int_equal(j, norder);
		for (j = 0; j < TEST_LRU_N; j++)
			assert_ptr_equal(test_lru_find(&l, ent[j].key, hash),
			    ent[j].in ? &ent[j] : NULL);
	}
	while (l.oldest != NULL)
		lru_del(&l, l.oldest);
	assert_int_equal(l.n, 0);
	assert_null(l.newest);
	lru_fini(&l);
}

/* test_lru - chains and the age list; the FNV-1a test vectors */
static void
test_lru(void **state)
{
	struct lru l;

	(void)state;
	test_lru_model(test_lru_hash_fnv);
	test_lru_model(test_lru_hash_same);
	lru_init(&l, 1000);
	assert_int_equal(l.nbucket, 1024);
	lru_fini(&l);
	lru_init(&l, (size_t)1 << 30);
	assert_int_equal(l.nbucket, (size_t)1 << 16);
	lru_fini(&l);
	assert_int_equal(lru_fnv(LRU_FNV_INIT, "", 0), 0x811c9dc5u);
	assert_int_equal(lru_fnv(LRU_FNV_INIT, "a", 1), 0xe40c292cu);
	assert_int_equal(lru_fnv(LRU_FNV_INIT, "foobar", 6), 0xbf9cf968u);
	assert_int_equal(lru_fnv(lru_fnv(LRU_FNV_INIT, "foo", 3), "bar", 3),
	    0xbf9cf968u);
}

/* Durations and the bucket each lands in (upper bounds inclusive). */
static const struct {
	double	ms;
	unsigned bucket;
} test_hist_cases[] = {
	{-3, 0}, {0, 0}, {0.4, 0}, {1, 0}, {1.01, 1}, {2, 1}, {4.9, 2},
	{10, 3}, {999, 9}, {1000, 9}, {30000, HIST_BUCKETS - 1},
	{30000.5, HIST_BUCKETS}, {1e9, HIST_BUCKETS},
};

/* test_hist - each duration in its bucket; count and sum */
static void
test_hist(void **state)
{
	struct hist h;
	double sum = 0;
	size_t i;
	unsigned b;

	(void)state;
	for (i = 1; i < HIST_BUCKETS; i++)
		assert_true(hist_bounds_ms[i] > hist_bounds_ms[i - 1]);
	for (i = 0; i < sizeof(test_hist_cases) / sizeof(test_hist_cases[0]);
	    i++) {
		memset(&h, 0, sizeof(h));
		hist_add(&h, test_hist_cases[i].ms);
		for (b = 0; b <= HIST_BUCKETS; b++)
			if (h.n[b] != (b == test_hist_cases[i].bucket))
				fail_msg("%g ms: bucket %u holds %lu",
				    test_hist_cases[i].ms, b, h.n[b]);
		assert_int_equal(h.count, 1);
	}
	memset(&h, 0, sizeof(h));
	for (i = 0; i < sizeof(test_hist_cases) / sizeof(test_hist_cases[0]);
	    i++) {
		hist_add(&h, test_hist_cases[i].ms);
		sum += test_hist_cases[i].ms > 0 ? test_hist_cases[i].ms : 0;
	}
	assert_int_equal(h.count, i);
	assert_true(h.sum_ms == sum);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_bounds),
		cmocka_unit_test(test_buf_store),
		cmocka_unit_test(test_buf_put),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_hist),
		cmocka_unit_test(test_ipaddr_parse),
		cmocka_unit_test(test_ipaddr_match),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_hostport),
		cmocka_unit_test(test_file_read),
		cmocka_unit_test(test_lru),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
