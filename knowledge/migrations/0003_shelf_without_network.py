import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("knowledge", "0002_library_root_and_measures"),
        ("networks", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="shelfpage",
            name="network",
            field=models.OneToOneField(blank=True, null=True,
                                       on_delete=django.db.models.deletion.PROTECT,
                                       related_name="shelf", to="networks.network",
                                       verbose_name="network"),
        ),
    ]
