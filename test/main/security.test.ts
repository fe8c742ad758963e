import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  isNavigationAllowed,
  isPermissionGranted,
  isTrustedSender,
  secureWebPreferences,
  windowOpenDecision,
} from '../../src/main/security';

const builtApp = 'file:///opt/UVMScope/resources/app/out/renderer/index.html';
const devApp = 'http://localhost:5173/';

describe('navigation', () => {
  it('allows a reload of the app document', () => {
    expect(isNavigationAllowed(builtApp, builtApp)).toBe(true);
    expect(isNavigationAllowed(devApp, devApp)).toBe(true);
  });

  it('treats a change of fragment as the same document', () => {
    expect(isNavigationAllowed(`${builtApp}#/timeline`, builtApp)).toBe(true);
  });

  it('refuses a web page', () => {
    expect(isNavigationAllowed('https://example.com/', builtApp)).toBe(false);
  });

  it('refuses another local file, such as one dropped on the window', () => {
    expect(isNavigationAllowed('file:///home/me/session.uvmscope.json', builtApp)).toBe(false);
    expect(isNavigationAllowed('file:///opt/UVMScope/resources/app/out/renderer/other.html', builtApp)).toBe(false);
  });

  it('refuses another page or port of the dev server', () => {
    expect(isNavigationAllowed('http://localhost:5173/other.html', devApp)).toBe(false);
    expect(isNavigationAllowed('http://localhost:5174/', devApp)).toBe(false);
  });

  it('refuses javascript: and data: URLs', () => {
    expect(isNavigationAllowed('javascript:alert(1)', builtApp)).toBe(false);
    expect(isNavigationAllowed('data:text/html,<script>1</script>', builtApp)).toBe(false);
  });

  it('refuses what is not a URL at all', () => {
    expect(isNavigationAllowed('not a url', builtApp)).toBe(false);
    expect(isNavigationAllowed(builtApp, '')).toBe(false);
  });
});

describe('window.open', () => {
  it('denies every window, including links to the web and to the app itself', () => {
    for (const url of ['https://example.com/', builtApp, 'about:blank', '']) {
      expect(windowOpenDecision(url)).toEqual({ action: 'deny' });
    }
  });
});

describe('permissions', () => {
  it('refuses every permission request', () => {
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      expect(isPermissionGranted(permission)).toBe(false);
    }
  });
});

describe('web preferences', () => {
  it('keeps the renderer isolated, sandboxed and without Node', () => {
    expect(secureWebPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
    });
  });
});

describe('content security policy', () => {
  const directives = (policy: string) =>
    new Map(policy.split('; ').map((directive) => {
      const [name, ...sources] = directive.split(' ');
      return [name, sources] as const;
    }));

  it('allows nothing by default and scripts only from the app', () => {
    const policy = directives(contentSecurityPolicy());
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
  });

  it('has no unsafe source in a built app', () => {
    expect(contentSecurityPolicy()).not.toMatch(/unsafe/);
    expect(contentSecurityPolicy({ dev: false })).toBe(contentSecurityPolicy());
  });

  it('lets the dev server inject styles and open its hot-reload socket, but never eval', () => {
    const policy = directives(contentSecurityPolicy({ dev: true }));
    expect(policy.get('style-src')).toContain("'unsafe-inline'");
    expect(policy.get('connect-src')).toContain('ws:');
    expect(policy.get('script-src')).toEqual(["'self'"]);
  });
});

describe('IPC senders', () => {
  it('trusts the top frame showing the app document, with or without a fragment', () => {
    expect(isTrustedSender({ frameUrl: builtApp, isMainFrame: true }, builtApp)).toBe(true);
    expect(isTrustedSender({ frameUrl: `${builtApp}#/timeline`, isMainFrame: true }, builtApp)).toBe(true);
    expect(isTrustedSender({ frameUrl: devApp, isMainFrame: true }, devApp)).toBe(true);
  });

  it('refuses a sub-frame, another document, another origin, and a frame that is gone', () => {
    expect(isTrustedSender({ frameUrl: builtApp, isMainFrame: false }, builtApp)).toBe(false);
    expect(isTrustedSender({ frameUrl: 'file:///home/me/page.html', isMainFrame: true }, builtApp)).toBe(false);
    expect(isTrustedSender({ frameUrl: 'https://example.com/', isMainFrame: true }, builtApp)).toBe(false);
    expect(isTrustedSender({ frameUrl: 'http://localhost:5174/', isMainFrame: true }, devApp)).toBe(false);
    expect(isTrustedSender({ frameUrl: null, isMainFrame: true }, builtApp)).toBe(false);
  });
});
