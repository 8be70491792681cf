import factory
from factory.django import DjangoModelFactory

from intranet.accounts.models import Organisation, OrganisationKind, Topic, User
from intranet.accounts.services import user_set_roles

PASSWORD = "Richtig-Langes-Passwort-42"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"stadt-{n}")
    name = factory.Sequence(lambda n: f"Stadt Nummer {n}")
    kind = OrganisationKind.MUNICIPALITY
    region = "Emscher-Lippe"


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"thema-{n}")
    name = factory.Sequence(lambda n: f"Thema {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@stadt.example")
    name = factory.Sequence(lambda n: f"Person {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    position = "Umweltamt"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        if create:
            user_set_roles(user=self, roles=extracted or ["member"], actor=None)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)
