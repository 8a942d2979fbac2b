// Wording shared by the organisation service (its messages) and its forms (their hints).
// No server code here: components import it.
export const HANDLE_HINT = "2–30 characters: lowercase letters, digits, - and _, starting with a letter or digit.";
