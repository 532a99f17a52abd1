/*
 * fuzz_input.h - reads the fuzzer's bytes as a stream of small values.
 *
 * Past the end every read gives 0, so any input, even an empty one, decodes
 * to a valid command sequence and the fuzzer never wastes runs on inputs
 * that a stricter format would refuse.
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_input {
	const uint8_t *data;
	size_t size;
	size_t pos;
};

static inline int fuzz_more(const struct fuzz_input *in)
{
	return in->pos < in->size;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	return in->pos < in->size ? in->data[in->pos++] : 0;
}

/* Little-endian, whatever the host, so that corpus files mean the same. */
static inline uint64_t fuzz_bytes(struct fuzz_input *in, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)fuzz_u8(in) << (8 * i);
	return v;
}

static inline uint32_t fuzz_u32(struct fuzz_input *in)
{
	return (uint32_t)fuzz_bytes(in, 4);
}

static inline uint64_t fuzz_u64(struct fuzz_input *in)
{
	return fuzz_bytes(in, 8);
}

#endif
