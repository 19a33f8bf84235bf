/** The parts of the extension API the end-to-end tests read inside the service worker. */
declare const chrome: {
  action: { getBadgeText(details: object): Promise<string>; getTitle(details: object): Promise<string> };
  storage: {
    local: { get(key: string): Promise<Record<string, unknown>>; set(items: object): Promise<void> };
  };
  alarms: { get(name: string): Promise<{ name: string; scheduledTime: number } | undefined> };
  notifications: { getAll(): Promise<Record<string, boolean>> };
};
