// The desktop path: @vscode/test-electron downloads a VS Code build and runs the
// same suite there. Needs internet (Microsoft's update servers).
'use strict';
const path = require('path');

async function runTestsInDesktopVSCode({ extensionPath, testsPath, workspace, userDataDir, env, runDir }) {
  const { runTests } = require('@vscode/test-electron');
  try {
    await runTests({
      version: process.env.COVALENT_TEST_VSCODE_VERSION || 'stable',
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: testsPath,
      extensionTestsEnv: env,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${userDataDir}`, `--extensions-dir=${path.join(runDir, 'extensions')}`],
    });
    return 0;
  } catch (error) {
    console.error(error);
    return 1;
  }
}

module.exports = { runTestsInDesktopVSCode };
