import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { SUPPORT_INTENT_CATEGORY, SUPPORT_TAXONOMY } from '../support-taxonomy.js';
import type { GroundingEntry } from '../provider.js';
import { tenantTaxonomy } from '../../src/tasks/categorize.js';
import { SentimentLabel, type TaskInput, type TaskName, type TaskResult } from '../../src/tasks/index.js';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** The JSON schema a model's answer must follow: sent as `response_format`, and checked on the way back. */
export interface AnswerFormat {
  /** `response_format` as JSON text. */
  json: string;
  check(answer: unknown): boolean;
}

/** What the model is asked for one task: messages, the format of its answer, and the mapping back. */
export interface TaskPrompt<T extends TaskName = TaskName> {
  messages: ChatMessage[];
  format: AnswerFormat;
  toResult(answer: unknown): TaskResult<T>;
  maxTokens: number;
}

/** Fixed schemas are serialised and compiled once; a per-request one (zero-shot labels) is checked without compiling. */
function answerFormat(name: string, schema: TSchema, fixed: boolean): AnswerFormat {
  const compiled = fixed ? Compile(schema) : undefined;
  const check = compiled ? (answer: unknown) => compiled.Check(answer) : (answer: unknown) => Value.Check(schema, answer);
  // TypeBox schemas carry symbol metadata; JSON.stringify leaves it out, which is what vendors want.
  const json = JSON.stringify({ type: 'json_schema', json_schema: { name, strict: true, schema } });
  return { json, check };
}

const closed = { additionalProperties: false } as const;
const Unit = Type.Number({ minimum: 0, maximum: 1 });
const oneOf = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const JSON_ONLY = 'Answer with one JSON object that follows the given schema, and nothing else.';

const SentimentAnswer = Type.Object(
  { label: SentimentLabel, score: Type.Number({ minimum: -1, maximum: 1 }), confidence: Unit, language: Type.String() },
  closed,
);

const SENTIMENT_FORMAT = answerFormat('sentiment', SentimentAnswer, true);

function sentimentPrompt(input: TaskInput<'sentiment'>): TaskPrompt<'sentiment'> {
  const lang = input.language && input.language !== 'auto' ? `The text is in language "${input.language}".` : '';
  return {
    format: SENTIMENT_FORMAT,
    maxTokens: 100,
    messages: [
      {
        role: 'system',
        content: `Classify the sentiment of the user's text as positive, negative or neutral, with a score from -1 (very negative) to 1 (very positive), your confidence from 0 to 1, and the ISO 639-1 code of its language. ${lang} ${JSON_ONLY}`,
      },
      { role: 'user', content: input.text },
    ],
    toResult: (a) => a as Static<typeof SentimentAnswer>,
  };
}

function labelsPrompt(text: string, labels: string[]): TaskPrompt<'categorize'> {
  const Label = oneOf(labels);
  const schema = Type.Object(
    { category: Label, confidence: Unit, alternatives: Type.Array(Type.Object({ category: Label, confidence: Unit }, closed)) },
    closed,
  );
  return {
    format: answerFormat('categorize_labels', schema, false),
    maxTokens: 300,
    messages: [
      {
        role: 'system',
        content: `Pick the label that best fits the user's text, from exactly these labels: ${JSON.stringify(labels)}. Give your confidence from 0 to 1 and up to three other plausible labels with theirs. ${JSON_ONLY}`,
      },
      { role: 'user', content: text },
    ],
    toResult: (a) => {
      const answer = a as Static<typeof schema>;
      return { ...answer, alternatives: answer.alternatives.filter((x) => x.category !== answer.category).slice(0, 3) };
    },
  };
}

const SupportIntent = oneOf([...SUPPORT_INTENT_CATEGORY.keys()]);
const SupportAnswer = Type.Object(
  { intent: SupportIntent, confidence: Unit, alternatives: Type.Array(Type.Object({ intent: SupportIntent, confidence: Unit }, closed)) },
  closed,
);

const SUPPORT_FORMAT = answerFormat('categorize_support', SupportAnswer, true);

function supportPrompt(text: string): TaskPrompt<'categorize'> {
  return {
    format: SUPPORT_FORMAT,
    maxTokens: 300,
    messages: [
      {
        role: 'system',
        content: `Classify the customer-support message into one intent of this taxonomy (category: intents): ${JSON.stringify(SUPPORT_TAXONOMY)}. Give your confidence from 0 to 1 and up to three other plausible intents with theirs. ${JSON_ONLY}`,
      },
      { role: 'user', content: text },
    ],
    toResult: (a) => {
      const answer = a as Static<typeof SupportAnswer>;
      const category = SUPPORT_INTENT_CATEGORY.get(answer.intent)!;
      const alternatives = answer.alternatives
        .map((x) => ({ category: SUPPORT_INTENT_CATEGORY.get(x.intent)!, confidence: x.confidence }))
        .filter((x) => x.category !== category)
        .slice(0, 3);
      return { category, intent: answer.intent, confidence: answer.confidence, alternatives };
    },
  };
}

const SmartResponseAnswer = Type.Object(
  {
    reply: Type.String({ minLength: 1 }),
    intent: Type.String({ minLength: 1 }),
    sentiment: SentimentLabel,
    escalate: Type.Boolean(),
    escalation_score: Unit,
    sources: Type.Array(Type.String(), { description: 'Ids of the knowledge-base entries the reply is based on.' }),
  },
  closed,
);

const SMART_RESPONSE_FORMAT = answerFormat('smart_response', SmartResponseAnswer, true);

/** Entries quoted as data, each under its id: the model answers from them and cites the ids it used. */
function groundingText(knowledge: readonly GroundingEntry[]): string {
  if (knowledge.length === 0) return '';
  const entries = knowledge.map((k) => JSON.stringify({ id: k.id, question: k.question, answer: k.answer }));
  return [
    "Answer from these entries of the company's knowledge base when one answers the customer; do not invent policies they do not state.",
    'List the ids of the entries you used in "sources" (empty when none applied).',
    ...entries,
  ].join('\n');
}

function smartResponsePrompt(input: TaskInput<'smart-response'>, knowledge: readonly GroundingEntry[]): TaskPrompt<'smart-response'> {
  const known = new Set(knowledge.map((k) => k.id));
  const history = (input.conversation ?? []).map((t) => `${t.role}: ${t.text}`).join('\n');
  const language = input.language && input.language !== 'auto' ? input.language : 'the language of the customer';
  return {
    format: SMART_RESPONSE_FORMAT,
    maxTokens: 600,
    messages: [
      {
        role: 'system',
        content: [
          `You are a customer-support agent. Write a ${input.tone ?? 'friendly'} reply in ${language} to the customer's last message.`,
          input.context ? `Known facts you may use: ${JSON.stringify(input.context)}.` : '',
          history ? `Conversation so far:\n${history}` : '',
          groundingText(knowledge),
          'Also give the customer intent (snake_case), their sentiment, whether a human agent should take over (escalate) and an escalation score from 0 to 1.',
          JSON_ONLY,
        ]
          .filter(Boolean)
          .join('\n'),
      },
      { role: 'user', content: input.message },
    ],
    toResult: (a) => {
      const { sources, ...answer } = a as Static<typeof SmartResponseAnswer>;
      // Only ids we gave it: a model can make one up.
      const cited = sources.filter((id) => known.has(id));
      return cited.length > 0 ? { ...answer, sources: [...new Set(cited)] } : answer;
    },
  };
}

type PromptBuilder<T extends TaskName> = (input: TaskInput<T>, knowledge: readonly GroundingEntry[]) => TaskPrompt<T> | undefined;

/**
 * One prompt builder per task a chat model answers; recommendations need the tenant's events, which only `local` has.
 * A builder answers undefined for an input the model cannot answer (e.g. a tenant taxonomy it has not seen).
 */
const PROMPTS: { [T in TaskName]?: PromptBuilder<T> } = {
  sentiment: (input) => sentimentPrompt(input),
  categorize: ({ text, labels, taxonomy }) => {
    if (labels) return labelsPrompt(text, labels);
    if (tenantTaxonomy(taxonomy)) return undefined;
    return supportPrompt(text);
  },
  'smart-response': (input, knowledge) => smartResponsePrompt(input, knowledge),
};

/** The tasks a chat-completion model is prompted for. */
export const PROMPTED_TASKS: ReadonlySet<TaskName> = new Set(Object.keys(PROMPTS) as TaskName[]);

export function promptFor<T extends TaskName>(task: T, input: TaskInput<T>, knowledge: readonly GroundingEntry[] = []): TaskPrompt<T> | undefined {
  const build = PROMPTS[task] as PromptBuilder<T> | undefined;
  return build?.(input, knowledge);
}
