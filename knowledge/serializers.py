from rest_framework import serializers

from .models import LibraryPage


class LibraryDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    size = serializers.IntegerField(source="file_size", allow_null=True)

    def get_url(self, document) -> str:
        return self.context["request"].build_absolute_uri(document.url)


class ResultSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="result_type")
    topics = serializers.SerializerMethodField()
    cities = serializers.SerializerMethodField()
    network = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(source="first_published_at")
    url = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    class Meta:
        model = LibraryPage
        fields = ["id", "title", "summary", "type", "topics", "cities", "network",
                  "published_at", "publication_date", "version", "licence", "url",
                  "documents"]

    def get_topics(self, page) -> list[str]:
        return [topic.slug for topic in page.topics.all()]

    def get_cities(self, page) -> list[str]:
        return [city.slug for city in page.cities.all()]

    def get_network(self, page) -> str | None:
        """The network's slug where the person may know the network, else null."""
        return page.network.slug if getattr(page, "network_shown", False) else None

    def get_url(self, page) -> str:
        return self.context["request"].build_absolute_uri(page.url)

    def get_documents(self, page) -> list[dict]:
        documents = [use.document for use in page.documents.all()]
        return LibraryDocumentSerializer(documents, many=True, context=self.context).data
