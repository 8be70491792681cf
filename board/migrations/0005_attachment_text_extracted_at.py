# A marker of the files whose text was read, so that a periodic sweep reads those whose
# task never ran (the broker was away at upload time).

from django.db import migrations, models
from django.db.models import F


def mark_read(apps, schema_editor):
    """Files with text were read; those without may never have been, and are read once."""
    Attachment = apps.get_model("board", "Attachment")
    Attachment.objects.exclude(text="").update(text_extracted_at=F("uploaded_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('board', '0004_file_text'),
    ]

    operations = [
        migrations.AddField(
            model_name='attachment',
            name='text_extracted_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_read, migrations.RunPython.noop),
    ]
