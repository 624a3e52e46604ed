output "task_app_id" {
  description = "ID of the Claude Code web app, for coder_ai_task.app_id in Coder Tasks templates (empty with web_app = false). With session_app = \"auto\" outside a task, the session app's: coder_ai_task needs an app in every build, template imports included."
  value       = try(coder_app.web[0].id, coder_app.session[0].id, "")
}

output "scripts" {
  description = "The module's script sync units, in order: a template's own coder_script runs after Claude Code is ready with `coder exp sync want <its unit> <each of these>` and `coder exp sync start <its unit>` (upstream v5's output)."
  value       = [local.sync_unit]
}
