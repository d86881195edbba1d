/**
 * Error codes of the kit's power reader (docs/pi-kit.md §Power), registered with the shared KitError
 * base (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** `power.enabled` is set but the sysfs root has neither a power_supply nor an hwmon class to read. */
    POWER_UNREADABLE: true;
  }
}

export {};
