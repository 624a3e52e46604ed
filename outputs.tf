output "task_app_id" {
  description = "ID of the Claude Code web app, for coder_ai_task.app_id in Coder Tasks templates."
  value       = coder_app.web.id
}
