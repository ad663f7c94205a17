/*
 * NAME
 *	replay_main 1
 * SUMMARY
 *	run a libFuzzer target over corpus files, without libFuzzer
 * SYNOPSIS
 *	replay_fuzz_NAME PATH...
 * DESCRIPTION
 *	Calls LLVMFuzzerTestOneInput() once for every regular file named,
 *	and for every regular file inside every directory named, so that
 *	`make check` replays the committed corpora in every build (gcc,
 *	clang, sanitizers).  Prints one TAP line per path and the count.
 * DIAGNOSTICS
 *	Exit 1 when a path cannot be read; a crash is the target's.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REPLAY_MAX_INPUT (1024 * 1024)	/* larger corpus files are cut */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* replay_file - one input */
static int
replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data;
	size_t n;

	if (fp == NULL)
		return -1;
	data = malloc(REPLAY_MAX_INPUT);
	if (data == NULL) {
		fclose(fp);
		return -1;
	}
	n = fread(data, 1, REPLAY_MAX_INPUT, fp);
	fclose(fp);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

/* replay_path - a file, or every file in a directory */
static int
replay_path(const char *path, unsigned *count)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char sub[4096];

	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		if (replay_file(path) < 0)
			return -1;
		(*count)++;
		return 0;
	}
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path,
		    de->d_name) >= sizeof(sub))
			continue;
		if (stat(sub, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(sub) < 0) {
				closedir(d);
				return -1;
			}
			(*count)++;
		}
	}
	closedir(d);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned count = 0;
	int i, bad = 0;

	printf("1..%d\n", argc - 1);
	for (i = 1; i < argc; i++) {
		unsigned before = count;

		if (replay_path(argv[i], &count) < 0) {
			printf("not ok %d - %s: cannot read\n", i, argv[i]);
			bad = 1;
		} else
			printf("ok %d - %s: %u inputs\n", i, argv[i],
			    count - before);
	}
	return bad;
}
