/**
 * The main process's English strings: the application menu and the questions main asks (closing or replacing a
 * document with unsaved changes). `&` marks the next letter as the item's mnemonic on Windows and Linux (`&&` is a
 * plain `&`); `{{app}}` and `{{file}}` are filled in. Another language is another file with the same keys
 * (test/main/i18n.test.ts checks that every key is used and every label of the menu comes from here).
 */
export const en = {
  'menu.file': '&File',
  'menu.file.newFromScenario': 'New from Scenario',
  'menu.file.noScenarios': 'No built-in scenarios',
  'menu.file.open': '&Open…',
  'menu.file.openRecent': 'Open &Recent',
  'menu.file.noRecent': 'No Recent Files',
  'menu.file.clearRecent': 'Clear Recent',
  'menu.file.save': '&Save',
  'menu.file.saveAs': 'Save &As…',
  'menu.file.export': '&Export…',
  'menu.edit': '&Edit',
  'menu.view': '&View',
  'menu.view.resetLayout': 'Reset Panel &Layout',
  'menu.view.presentation': '&Presentation Mode',
  'menu.debug': '&Debug',
  'menu.debug.continue': '&Continue',
  'menu.debug.reverseContinue': '&Reverse Continue',
  'menu.debug.stepOver': 'Step &Over',
  'menu.debug.stepInto': 'Step &Into',
  'menu.debug.stepOut': 'Step O&ut',
  'menu.debug.stepBack': 'Step &Back',
  'menu.debug.toggleBreakpoints': '&Toggle Breakpoints',
  'menu.help': '&Help',
  'menu.help.keys': '&Keyboard Shortcuts',
  'menu.help.scenarioFormat': '&Scenario Format',
  'menu.help.about': '&About {{app}}',
  'menu.app.about': 'About {{app}}',
  'unsaved.close.message': 'Do you want to save your changes?',
  'unsaved.close.detail': "They are lost if you don't save them.",
  'unsaved.close.save': 'Save',
  'unsaved.close.dontSave': "Don't Save",
  'unsaved.close.cancel': 'Cancel',
  'unsaved.replace.message': 'Open "{{file}}" and lose your unsaved changes?',
  'unsaved.replace.detail': 'Cancel, then save, to keep them.',
  'unsaved.replace.open': 'Open',
  'unsaved.replace.cancel': 'Cancel',
} as const;
