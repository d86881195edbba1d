/**
 * Error codes of the teams workflow (docs/teams.md), registered with the shared KitError base
 * (node/src/base/errors.ts).
 */

declare module '../../base/errors.js' {
  interface KitErrorCodes {
    /** No team has this kit here (the `teams:` section names none), or the node has no team. */
    TEAM_UNKNOWN: true;
    /** No task has this id here. */
    TEAM_TASK_UNKNOWN: true;
    /** The task cannot take that step from where it stands (it only moves forward). */
    TEAM_STEP_INVALID: true;
    /** A task or step cannot be sent: words over 120 bytes, a point or area the wire does not carry. */
    TEAM_TASK_INVALID: true;
    /** The action belongs to the other end: tasks are assigned at the centre, steps taken at the team's kit. */
    TEAM_NOT_HERE: true;
    /** The teams journal could not be read or written. */
    TEAM_JOURNAL_FAILED: true;
  }
}

export {};
