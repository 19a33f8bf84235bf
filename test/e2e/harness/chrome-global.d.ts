/** The parts of the extension API the end-to-end tests read inside the service worker. */
declare const chrome: {
  action: { getBadgeText(details: object): Promise<string>; getTitle(details: object): Promise<string> };
};
