"""The Word side: the handout and the practice sheet as .docx."""
