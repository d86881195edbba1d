/**
 * The actions the team and text routes record in the audit log (docs/api.md §Audit; docs/teams.md
 * §Who may do what; docs/texts.md), registered with the log's action codes
 * (node/src/domain/audit/audit-actions.ts).
 */

declare module '../domain/audit/audit-actions.js' {
  interface AuditActions {
    /** The centre assigned a task; subject: its message id; details: the team, area, due. */
    'team.task-assigned': true;
    /** A team took a step on a task; subject: the task; details: the step and its message. */
    'team.task-step': true;
    /** The centre heard a team's step on a task; subject: the task; details: the step, message, person. */
    'team.task-step-received': true;
    /** A person sent a short text; subject: its message id; details: the conversation and bytes (never the words). */
    'text.sent': true;
  }
}

export {};
