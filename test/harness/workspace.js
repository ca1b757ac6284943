// A throw-away copy of examples/ for the editor to open, and a VS Code user
// settings file that points the extension at the harness's server and Python.
'use strict';
const fs = require('fs');
const path = require('path');
const { repoRoot } = require('./paths');

function copyExamples(target) {
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(repoRoot, 'examples'), target, {
    recursive: true,
    filter: (source) => !source.includes('__pycache__'),
  });
  return target;
}

/** User settings for a test or demo editor. `extra` wins over the defaults. */
function writeUserSettings(userDataDir, { python, serverAddress, extra = {} }) {
  const settingsDir = path.join(userDataDir, 'User');
  fs.mkdirSync(settingsDir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    'chat.disableAIFeatures': true,
    // VS Code 1.10x+ opens an (empty, with AI features off) secondary side bar in every new window.
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'git.openRepositoryInParentFolders': 'never',
    'covalent.pythonPath': python,
    'covalent.dispatcherAddress': serverAddress,
    ...extra,
  };
  fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify(settings, null, 2));
}

module.exports = { copyExamples, writeUserSettings };
