// The demo's model: the scripted Messages API endpoint (test/lib/model.ts, a test double for the
// Anthropic API) kept running for the demo's Coder, with the answers the demo task needs.
//
//   bun run tools/demo-model.ts PORT

import { startScriptedModel } from "../test/lib/model.ts";

export const demoPrompt = "Write a haiku about Coder workspaces into haiku.txt";

const report = (state: string, summary: string) => ({
  tool: "mcp__coder__coder_report_task",
  input: { state, summary, link: "" },
});

if (import.meta.main) {
  const port = Number(process.argv[2]);
  const model = startScriptedModel({
    port,
    fallback: "This is the demo's scripted model: it only knows the demo task's script.",
  });
  model.on(
    demoPrompt,
    [report("working", "Writing a haiku into haiku.txt")],
    [
      {
        tool: "Write",
        input: {
          file_path: "{cwd}/haiku.txt",
          content: "Workspaces wake at dawn\nClaude resumes where it left off\nThe task says complete\n",
        },
      },
    ],
    [report("complete", "Wrote a haiku about Coder workspaces into haiku.txt")],
    [{ text: "I wrote the haiku into haiku.txt." }],
  );
  console.log(`demo model: ${model.url}`);
}
