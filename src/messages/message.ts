/**
 * What the product says, as data: a message key of _locales and its arguments. Checks, the verdict, the port
 * matrix, the checklist and the options produce messages; src/messages/render.ts turns one into the UI
 * language, or into English for the report's text, the command line and support.
 *
 * To add a text: give the key its argument kinds in src/messages/catalog.ts (the compiler then checks every
 * msg() call) and add it to every _locales/<lang>/messages.json with $1…$n for the arguments
 * (test/unit/i18n/messages.test.ts checks both, and renders every key in every language).
 */
import * as v from 'valibot';

/** An argument: text kept as it is (a host, a cipher), a number, or nested messages. */
export type MessageArg = string | number | Message | Message[];

/**
 * Written out because the shape nests itself (valibot's lazy schema needs the type spelled once); the
 * schema below is checked against it.
 */
export interface Message {
  key: string;
  args: MessageArg[];
}

/** Deep enough for every message the product builds (a headline quoting a summary quoting a reason). */
export const MAX_MESSAGE_DEPTH = 6;

/** Whether `value` nests objects and arrays no deeper than `limit`; looks no deeper than that either. */
function shallow(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (limit === 0) return false;
  return Object.values(value).every((x) => shallow(x, limit - 1));
}

const Nested: v.GenericSchema<Message> = v.lazy(() => MessageBody);

const MessageBody: v.GenericSchema<Message> = v.object({
  key: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_]{1,64}$/)),
  args: v.pipe(
    v.array(
      v.union([
        v.pipe(v.string(), v.maxLength(1000)),
        // Finite: JSON cannot carry Infinity.
        v.pipe(v.number(), v.finite()),
        Nested,
        v.pipe(v.array(Nested), v.maxLength(200)),
      ]),
    ),
    v.maxLength(9),
  ),
});

/** Depth is checked before the recursive schema walks the input, so hostile nesting costs nothing. */
export const MessageSchema: v.GenericSchema<unknown, Message> = v.pipe(
  v.unknown(),
  // A message level is an object and its args array: two JSON levels, plus one for a list of messages.
  v.check((x) => shallow(x, 3 * MAX_MESSAGE_DEPTH), `messages nest at most ${MAX_MESSAGE_DEPTH} deep`),
  MessageBody,
);
