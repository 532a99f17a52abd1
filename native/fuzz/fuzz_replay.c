/*
 * fuzz_replay.c - runs the fuzz target over saved inputs without libFuzzer.
 *
 * Built with any C compiler (gcc included) and the sanitizers, so that
 * ctest replays the seed corpus on machines without clang. Arguments are
 * files or directories of files; each file is one input.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs beyond this are cut; the target reads at most a few KiB anyway. */
#define REPLAY_MAX_INPUT (1 << 20)

static int replay_file(const char *path)
{
	static uint8_t buf[REPLAY_MAX_INPUT];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

static int replay_dir(const char *dir, int *count)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);
	int failed = 0;

	if (d == NULL) {
		perror(dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		failed |= replay_file(path);
		(*count)++;
	}
	closedir(d);
	return failed;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, failed = 0, count = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			failed |= replay_dir(argv[i], &count);
		} else {
			failed |= replay_file(argv[i]);
			count++;
		}
	}
	fprintf(stderr, "fuzz_replay: %d inputs%s\n", count,
		failed ? ", some unreadable" : "");
	return failed || count == 0;
}
