"""The lesson panel (issue 14): a guided tour and teachers' lessons beside the
diagram, never modal. :func:`install_lessons` adds the panel, the Lesson menu
and the controller to the window."""

from lstm_gui.ui.lessons.controller import LessonController, install_lessons

__all__ = ["LessonController", "install_lessons"]
