output "task_app_id" {
  description = "ID of the Claude Code web app, for coder_ai_task.app_id in Coder Tasks templates (empty with web_app = false)."
  value       = try(coder_app.web[0].id, "")
}
