/**
 * Action and block IDs shared by the renderers (which put them on buttons) and the Bolt listeners
 * (which match on them). Changing one here changes both sides.
 */
export const ACTION_IDS = {
  acknowledge: 'iam_alerts.acknowledge',
  disableUser: 'iam_alerts.disable_user',
  reenableUser: 'iam_alerts.reenable_user',
  historyMore: 'iam_alerts.history_more',
} as const;

export const BLOCK_IDS = {
  alertHeader: 'alert.header',
  alertActions: 'alert.actions',
  alertStatus: 'alert.status',
} as const;
