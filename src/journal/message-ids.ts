// systemd's catalog message IDs (sd-messages.h) that the boot analysis reads.

/** "Starting UNIT..." (a start job began). */
export const UNIT_STARTING = '7d4958e842da4a758f6c1cdc7b36dcc5';
/** "Started UNIT." (the start job finished). */
export const UNIT_STARTED = '39f53479d3a045ac8e11786248231fbf';
/** "UNIT: Failed with result 'exit-code'." (the unit entered the failed state). */
export const UNIT_RESULT = 'd9b373ed55a64feb8242e02dbe79a49c';
/** "Failed to start UNIT." (the start job failed). */
export const UNIT_FAILED = 'be02cf6855d2428ba40df7e9d022f03d';
/** "Startup finished in ...", with FIRMWARE_USEC, LOADER_USEC, KERNEL_USEC, INITRD_USEC, USERSPACE_USEC. */
export const STARTUP_FINISHED = 'b07a249cd024414a82dd00cd181378ff';
