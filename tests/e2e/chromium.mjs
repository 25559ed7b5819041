// The one place the browser for every test is chosen and started. Debian's Chromium, never a
// downloaded one (there is no internet); the flags stop it from reaching for Google's
// services, which this machine's closed network refuses many times a second.
export const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
