export const RULES: [string, string, number, string[], string][];
export const HOSTS: string[];
export const NAMESPACES: [string, number, string[]][];
export const FILES: string[];
export interface MillionAlert {
  rule: string;
  priority: string;
  tags: string[];
  proc: string;
  namespace: string;
  hostname: string;
  image: string;
  file: string | undefined;
}
export function millionAlert(i: number): MillionAlert;
export function millionAlertJson(i: number, timeMs: number): string;
export function millionAlertTime(i: number, count: number, endMs: number, spanMs: number): number;
