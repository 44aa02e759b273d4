import { createContext } from 'preact';

/** {api, auth, offered: Set of the API's mutation names}. */
export const AppContext = createContext(null);
