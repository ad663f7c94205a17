/* clock.h - the monotonic clock in milliseconds */
#ifndef RMXF_CLOCK_H
#define RMXF_CLOCK_H

long	clock_now_ms(void);

#endif
