/**
 * Slack's Block Kit size limits that this project relies on.
 * Source: Slack's Block Kit reference (blocks, block elements and composition objects).
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFieldText: 2000,
  sectionFields: 10,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  actionsElements: 25,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Slack truncates `text` above 40,000 characters; it recommends 4,000 for notifications. */
  fallbackText: 4000,
} as const;
