/**
 * Action and block IDs shared by the renderers (which put them on buttons) and the Bolt listeners
 * (which match on them). Changing one here changes both sides.
 */
export const ACTION_IDS = {
  acknowledge: 'iam_alerts.acknowledge',
  /**
   * Disable User for the user the event changed, or for the only user offered. Alerts posted before
   * alerts could offer two users carry this id on their single button, whoever it disables.
   */
  disableUser: 'iam_alerts.disable_user',
  /** Disable User for the acting IAM user, beside the target's button (action ids are unique per block). */
  disableActingUser: 'iam_alerts.disable_user.actor',
  reenableUser: 'iam_alerts.reenable_user',
  historyMore: 'iam_alerts.history_more',
} as const;

/** Matches every Disable User button, old and new: one listener serves them all. */
export const DISABLE_USER_ACTION_ID = /^iam_alerts\.disable_user(\.actor)?$/;

export const BLOCK_IDS = {
  alertHeader: 'alert.header',
  alertActions: 'alert.actions',
  alertStatus: 'alert.status',
} as const;
