/**
 * `--offline`: every request to a third party is answered inside the browser, so nothing leaves
 * the machine but requests to the site itself (a CI runner without internet, or a check that must
 * not ping vendors). The page still attempts every request, which is what is recorded; vendors'
 * scripts come back empty, so what they would load or set in turn is not seen.
 */
import type { BrowserContext, Request, Route } from 'playwright-core';

const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** An empty answer of the kind the request expects, readable cross-origin. */
function emptyAnswer(request: Request): Parameters<Route['fulfill']>[0] {
  const origin = request.headers()['origin'];
  const headers: Record<string, string> = origin
    ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' }
    : { 'access-control-allow-origin': '*' };
  if (request.method() === 'OPTIONS') {
    return { status: 204, headers: { ...headers, 'access-control-allow-methods': '*', 'access-control-allow-headers': '*' } };
  }
  switch (request.resourceType()) {
    case 'script':
      return { status: 200, contentType: 'text/javascript', headers, body: '' };
    case 'stylesheet':
      return { status: 200, contentType: 'text/css', headers, body: '' };
    case 'image':
      return { status: 200, contentType: 'image/gif', headers, body: GIF_1X1 };
    case 'document':
      return { status: 200, contentType: 'text/html', headers, body: '<!doctype html><title>answered by consentgate-scan --offline</title>' };
    default:
      return { status: 204, headers };
  }
}

/** Answers `isThirdParty` hosts' requests and WebSockets in `context`; the page's own navigations always go out. */
export async function answerThirdParties(context: BrowserContext, isThirdParty: (host: string) => boolean): Promise<void> {
  const hostOf = (url: string) => {
    try {
      return new URL(url).hostname;
    } catch {
      return '';
    }
  };
  await context.route('**/*', async (route, request) => {
    const host = hostOf(request.url());
    let mainNavigation = false;
    try {
      mainNavigation = request.isNavigationRequest() && request.frame().parentFrame() === null;
    } catch {
      // a worker's request has no frame
    }
    if (!host || mainNavigation || !isThirdParty(host)) return route.fallback();
    await route.fulfill(emptyAnswer(request));
  });
  await context.routeWebSocket(
    (url) => isThirdParty(url.hostname),
    (socket) => void socket.close({ code: 1000, reason: 'consentgate-scan --offline' }).catch(() => undefined),
  );
}
