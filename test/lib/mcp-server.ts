// A tiny stdio MCP server for workspaces: bash and jq (both in the workspace image), given inline as
// an MCP server's `bash -c` argument. No `${`, which Terraform and Claude Code would expand.

/** The server's script: answers initialize and tools/list with `tools` tools (t0, t1, ...). */
export function tinyStdioServer(tools: number): string {
  return `while IFS= read -r line; do
  id=$(jq -r '.id // empty' <<<"$line")
  case $(jq -r .method <<<"$line") in
    initialize) jq -cn --argjson id "$id" '{jsonrpc:"2.0",id:$id,result:{protocolVersion:"2025-06-18",capabilities:{tools:{}},serverInfo:{name:"tiny",version:"1"}}}' ;;
    tools/list) jq -cn --argjson id "$id" '{jsonrpc:"2.0",id:$id,result:{tools:[range(${tools})|{name:"t\\(.)",inputSchema:{type:"object"}}]}}' ;;
  esac
done`;
}
