// Preloaded into `node-red-dev validate` (node -r) by scripts/scorecard.js. The Flow Library's
// checks fetch https://catalogue.nodered.org/catalogue.json (P08 similar names, N01 duplicate node
// types); that host is not reachable here, and the tool then aborts every later check. This
// answers that one request with an empty catalogue, so P08 and N01 pass without meaning, and lets
// every other request (the npm registry for P06/P07/D02/D03) through untouched.
'use strict';
const Module = require('node:module');

const CATALOGUE = /^https?:\/\/catalogue\.nodered\.org\//;
const patched = new WeakSet();

function emptyCatalogue(config) {
  return Promise.resolve({
    data: { name: 'Node-RED Community catalogue (empty: not reachable offline)', updated_at: new Date().toISOString(), modules: [] },
    status: 200,
    statusText: 'OK',
    headers: { 'content-type': 'application/json' },
    config,
    request: {},
  });
}

function patch(axios) {
  if (!axios || typeof axios.interceptors !== 'object' || patched.has(axios)) return axios;
  patched.add(axios);
  axios.interceptors.request.use((config) => {
    if (CATALOGUE.test(config.url || '')) {
      process.stderr.write(`scorecard: answered ${config.url} with an empty catalogue (offline)\n`);
      return { ...config, adapter: emptyCatalogue };
    }
    return config;
  });
  return axios;
}

// node-red-dev requires axios from its own dependency tree: wrap it whenever it is loaded.
const load = Module._load;
Module._load = function loadWithOfflineCatalogue(request, parent, isMain) {
  const exported = load.call(this, request, parent, isMain);
  return request === 'axios' ? patch(exported) : exported;
};
