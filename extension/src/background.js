// The service worker: context menus and message routing only. Chrome stops it after ~30 s idle,
// so it keeps no state in globals: the model and the library live in the offscreen document and
// in IndexedDB, and every message (re)creates the offscreen document when it is missing.

const OFFSCREEN_URL = 'offscreen.html';
const MENU_SAVE = 'omni-save-image';
const MENU_SIMILAR = 'omni-find-similar';

chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.removeAll(() => {
    chrome.contextMenus.create({ id: MENU_SAVE, title: 'Save to my library', contexts: ['image'] });
    chrome.contextMenus.create({ id: MENU_SIMILAR, title: 'Find similar in my library', contexts: ['image'] });
  });
});

/** Only de-duplicates concurrent creations within one SW lifetime; the truth is getContexts(). */
let creating = null;

async function ensureOffscreen() {
  const url = chrome.runtime.getURL(OFFSCREEN_URL);
  const existing = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'], documentUrls: [url] });
  if (existing.length) return;
  creating ??= chrome.offscreen
    .createDocument({ url: OFFSCREEN_URL, reasons: ['WORKERS'], justification: 'Runs the embedding model in a Web Worker and keeps the image library.' })
    .catch((err) => {
      // Another context created it between our check and this call: that is fine.
      if (!/single offscreen|already/i.test(String(err?.message))) throw err;
    })
    .finally(() => { creating = null; });
  await creating;
}

/** Sends a request to the offscreen document and returns its answer (or throws its error). */
async function toOffscreen(request) {
  await ensureOffscreen();
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await chrome.runtime.sendMessage({ ...request, target: 'offscreen' });
      if (res?.error) throw Object.assign(new Error(res.error), { code: res.code });
      return res;
    } catch (err) {
      // Its listener may not be registered yet right after creation.
      if (attempt < 20 && /Receiving end does not exist|message port closed/i.test(String(err?.message))) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      throw err;
    }
  }
}

/** Reads an image through the page that shows it (activeTab + scripting): for servers without CORS. */
async function readInTab(tabId, src) {
  const [{ result }] = await chrome.scripting.executeScript({
    target: { tabId },
    args: [src],
    func: async (url) => {
      const blob = await (await fetch(url)).blob();
      return await new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result);
        reader.onerror = () => reject(reader.error);
        reader.readAsDataURL(blob);
      });
    },
  });
  if (typeof result !== 'string') throw new Error(`the page could not read ${src}`);
  return result;
}

/** The offscreen document fetches the image itself; if CORS forbids that, the page reads it. */
async function withImage(request, tabId) {
  try {
    return await toOffscreen(request);
  } catch (err) {
    if (err.code !== 'fetch_failed' || tabId === undefined || tabId < 0) throw err;
    return await toOffscreen({ ...request, dataUrl: await readInTab(tabId, request.src) });
  }
}

/** The context-menu action (also what tests call): returns what the offscreen document answered. */
async function handleMenuClick(info, tab) {
  const src = info.srcUrl;
  if (!src) throw new Error('no image under the pointer');
  if (info.menuItemId === MENU_SAVE) {
    return await withImage({ type: 'save', src, pageUrl: info.pageUrl ?? tab?.url ?? null, title: tab?.title ?? null }, tab?.id);
  }
  if (info.menuItemId === MENU_SIMILAR) {
    // The results page asks for the search itself (through this worker), so nothing is kept here.
    const params = new URLSearchParams({ similar: src });
    if (tab?.id !== undefined && tab.id >= 0) params.set('tab', String(tab.id));
    const page = await chrome.tabs.create({ url: chrome.runtime.getURL(`popup.html?${params}`) });
    return { opened: page.id };
  }
  throw new Error(`unknown menu item ${info.menuItemId}`);
}

chrome.contextMenus.onClicked.addListener((info, tab) => {
  handleMenuClick(info, tab).catch((err) => console.error('omni-embed:', err));
});

const routes = {
  status: () => toOffscreen({ type: 'status' }),
  search: ({ text, k }) => toOffscreen({ type: 'search', text, k }),
  similar: ({ src, tab, k }) => withImage({ type: 'similar', src, k }, tab),
  save: ({ src, pageUrl, title, tab }) => withImage({ type: 'save', src, pageUrl, title }, tab),
  remove: ({ id }) => toOffscreen({ type: 'remove', id }),
  list: () => toOffscreen({ type: 'list' }),
};

chrome.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
  if (msg?.target !== 'background') return false;
  const route = routes[msg.type];
  if (!route) {
    sendResponse({ error: `unknown request ${msg.type}` });
    return false;
  }
  route(msg).then(sendResponse, (err) => sendResponse({ error: String(err?.message ?? err) }));
  return true;
});

// For tests and debugging from the worker's console: the same entry points the UI uses.
Object.assign(globalThis, { handleMenuClick, toOffscreen, ensureOffscreen, MENU_SAVE, MENU_SIMILAR });
