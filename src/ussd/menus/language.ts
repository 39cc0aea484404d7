// The caller's language for every face (identity keeps it), switched from the menu.
import { home, pick, stay, type NodeTable } from '../node.ts';
import { messagesFor } from '../messages.ts';

const LANGUAGES = [
  { key: '1', label: '한국어', lang: 'ko' as const },
  { key: '2', label: 'English', lang: 'en' as const },
];

export const languageNodes: NodeTable = {
  language: {
    screen: (turn) => ({ title: turn.m.languageTitle, options: LANGUAGES }),
    async answer(turn, input) {
      const choice = pick(LANGUAGES, input);
      if (!choice) return stay(turn.m.invalidChoice);
      await turn.deps.identity.setLanguage(turn.deps.db, (await turn.user()).id, choice.lang);
      turn.state.lang = choice.lang;
      return home(messagesFor(choice.lang).langChanged);
    },
  },
};
