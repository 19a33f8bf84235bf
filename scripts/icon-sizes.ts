/** The icon sizes the manifest names and scripts/icons.ts renders: toolbar (16, 32), management page (48), store (128). */
export const ICON_SIZES = [16, 32, 48, 128] as const;
