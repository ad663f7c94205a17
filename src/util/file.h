/* file.h - a whole file into memory */
#ifndef RMXF_FILE_H
#define RMXF_FILE_H

#include <stddef.h>

int	file_read(const char *, size_t, char **, size_t *);

#endif
