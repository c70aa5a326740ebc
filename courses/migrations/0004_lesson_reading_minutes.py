"""Reading times come from each lesson body's word count, not a hand-typed guess."""

from django.db import migrations, models


def count_reading_minutes(apps, schema_editor):
    from courses.rendering import reading_minutes

    Lesson = apps.get_model("courses", "Lesson")
    for lesson in Lesson.objects.only("pk", "body").iterator():
        Lesson.objects.filter(pk=lesson.pk).update(
            estimated_minutes=reading_minutes(lesson.body)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_course_instructors_join_codes_natural_collation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lesson",
            name="estimated_minutes",
            field=models.PositiveIntegerField(
                default=1,
                help_text="Reading time, counted from the body's words on save.",
            ),
        ),
        migrations.RunPython(count_reading_minutes, migrations.RunPython.noop),
    ]
