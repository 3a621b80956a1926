"""The words a course's own pages say around its content (Introduction, Summary, Check your answer,
Next, …), in every language a course's labels are translated to: the ONE table. The exports
(services/modules/export/) read it through `labels`; the web reader gets it from the gateway
(`GET /api/labels`), never from a copy. A label with `{…}` takes named values (`label(…, n=2)`)."""
from __future__ import annotations

from html import escape
from types import MappingProxyType
from typing import Mapping

from shared.language import base, direction

LANGUAGES = ("en", "fr", "de", "es", "pt", "zh", "ja", "ar")
DEFAULT = "en"

# Each language's name in itself: how a note names the language a course's text is in.
NAMES = {"en": "English", "fr": "français", "de": "Deutsch", "es": "español", "pt": "português",
         "zh": "中文", "ja": "日本語", "ar": "العربية"}

_TABLE: dict[str, dict[str, str]] = {
    "introduction": {"en": "Introduction", "fr": "Introduction", "de": "Einführung", "es": "Introducción",
                     "pt": "Introdução", "zh": "引言", "ja": "はじめに", "ar": "مقدمة"},
    "learning_objectives": {"en": "Learning objectives", "fr": "Objectifs d'apprentissage", "de": "Lernziele",
                            "es": "Objetivos de aprendizaje", "pt": "Objetivos de aprendizagem", "zh": "学习目标",
                            "ja": "学習目標", "ar": "أهداف التعلم"},
    "concept_map": {"en": "Concept map", "fr": "Carte des concepts", "de": "Begriffslandkarte",
                    "es": "Mapa de conceptos", "pt": "Mapa de conceitos", "zh": "概念图", "ja": "概念マップ",
                    "ar": "خريطة المفاهيم"},
    "concept_map_of": {"en": "Concept map of {title}", "fr": "Carte des concepts de {title}",
                       "de": "Begriffslandkarte von {title}", "es": "Mapa de conceptos de {title}",
                       "pt": "Mapa de conceitos de {title}", "zh": "{title}的概念图", "ja": "{title}の概念マップ",
                       "ar": "خريطة المفاهيم: {title}"},
    "module_concept_map": {"en": "Concept map of this module", "fr": "Carte des concepts de ce module",
                           "de": "Begriffslandkarte dieses Moduls", "es": "Mapa de conceptos de este módulo",
                           "pt": "Mapa de conceitos deste módulo", "zh": "本模块的概念图",
                           "ja": "このモジュールの概念マップ", "ar": "خريطة المفاهيم لهذه الوحدة"},
    "diagram": {"en": "Diagram", "fr": "Diagramme", "de": "Diagramm", "es": "Diagrama", "pt": "Diagrama",
                "zh": "图表", "ja": "図", "ar": "مخطط"},
    # Under a diagram of the sources that no renderer could draw (not installed, a syntax error).
    "diagram_not_drawn": {"en": "This diagram could not be drawn here; its source is shown instead.",
                          "fr": "Ce diagramme n'a pas pu être dessiné ici ; sa source est affichée à la place.",
                          "de": "Dieses Diagramm konnte hier nicht gezeichnet werden; stattdessen steht hier "
                                "sein Quelltext.",
                          "es": "Este diagrama no se pudo dibujar aquí; en su lugar se muestra su código fuente.",
                          "pt": "Não foi possível desenhar este diagrama aqui; em vez dele, é mostrado o seu "
                                "código-fonte.",
                          "zh": "此图无法在此绘制，改为显示其源代码。",
                          "ja": "この図はここでは描画できなかったため、代わりにソースを表示しています。",
                          "ar": "تعذّر رسم هذا المخطط هنا؛ تُعرض شيفرته المصدرية بدلًا منه."},
    "content": {"en": "Content", "fr": "Contenu", "de": "Inhalt", "es": "Contenido", "pt": "Conteúdo",
                "zh": "内容", "ja": "内容", "ar": "المحتوى"},
    "key_points": {"en": "Key points", "fr": "Points clés", "de": "Kernpunkte", "es": "Puntos clave",
                   "pt": "Pontos-chave", "zh": "要点", "ja": "要点", "ar": "النقاط الرئيسية"},
    "conclusion": {"en": "Conclusion", "fr": "Conclusion", "de": "Fazit", "es": "Conclusión", "pt": "Conclusão",
                   "zh": "结论", "ja": "まとめ", "ar": "الخاتمة"},
    "assessment": {"en": "Check your understanding", "fr": "Vérifiez votre compréhension",
                   "de": "Überprüfen Sie Ihr Verständnis", "es": "Comprueba lo que has entendido",
                   "pt": "Verifique o que aprendeu", "zh": "检查你的理解", "ja": "理解度チェック",
                   "ar": "تحقق من فهمك"},
    "assessment_title": {"en": "Assessment", "fr": "Évaluation", "de": "Lernkontrolle", "es": "Evaluación",
                         "pt": "Avaliação", "zh": "测验", "ja": "確認テスト", "ar": "التقييم"},
    "summary": {"en": "Summary", "fr": "Résumé", "de": "Zusammenfassung", "es": "Resumen", "pt": "Resumo",
                "zh": "总结", "ja": "要約", "ar": "الملخص"},
    "check_answer": {"en": "Check your answer", "fr": "Vérifier votre réponse", "de": "Antwort prüfen",
                     "es": "Comprobar tu respuesta", "pt": "Verificar a sua resposta", "zh": "检查答案",
                     "ja": "答えを確認", "ar": "تحقق من إجابتك"},
    "show_answer": {"en": "Show answer", "fr": "Afficher la réponse", "de": "Antwort anzeigen",
                    "es": "Mostrar la respuesta", "pt": "Mostrar a resposta", "zh": "显示答案", "ja": "答えを表示",
                    "ar": "أظهر الإجابة"},
    "answer": {"en": "Answer", "fr": "Réponse", "de": "Antwort", "es": "Respuesta", "pt": "Resposta",
               "zh": "答案", "ja": "答え", "ar": "الإجابة"},
    "source": {"en": "Source", "fr": "Source", "de": "Quelle", "es": "Fuente", "pt": "Fonte", "zh": "来源",
               "ja": "出典", "ar": "المصدر"},
    "contents": {"en": "Contents", "fr": "Sommaire", "de": "Inhaltsverzeichnis", "es": "Índice",
                 "pt": "Índice", "zh": "目录", "ja": "目次", "ar": "المحتويات"},
    "modules": {"en": "Modules", "fr": "Modules", "de": "Module", "es": "Módulos", "pt": "Módulos", "zh": "模块",
                "ja": "モジュール", "ar": "الوحدات"},
    "module_of": {"en": "Module {n} of {total}", "fr": "Module {n} sur {total}", "de": "Modul {n} von {total}",
                  "es": "Módulo {n} de {total}", "pt": "Módulo {n} de {total}", "zh": "第 {n} 个模块，共 {total} 个",
                  "ja": "モジュール {n} / {total}", "ar": "الوحدة {n} من {total}"},
    "previous": {"en": "Previous", "fr": "Précédent", "de": "Zurück", "es": "Anterior", "pt": "Anterior",
                 "zh": "上一个", "ja": "前へ", "ar": "السابق"},
    "next": {"en": "Next", "fr": "Suivant", "de": "Weiter", "es": "Siguiente", "pt": "Seguinte", "zh": "下一个",
             "ja": "次へ", "ar": "التالي"},
    "previous_module": {"en": "Previous module", "fr": "Module précédent", "de": "Vorheriges Modul",
                        "es": "Módulo anterior", "pt": "Módulo anterior", "zh": "上一个模块", "ja": "前のモジュール",
                        "ar": "الوحدة السابقة"},
    "next_module": {"en": "Next module", "fr": "Module suivant", "de": "Nächstes Modul", "es": "Módulo siguiente",
                    "pt": "Módulo seguinte", "zh": "下一个模块", "ja": "次のモジュール", "ar": "الوحدة التالية"},
    "course_index": {"en": "Course index", "fr": "Accueil du cours", "de": "Kursübersicht",
                     "es": "Inicio del curso", "pt": "Início do curso", "zh": "课程首页", "ja": "コースの目次",
                     "ar": "فهرس الدورة"},
    "skip": {"en": "Skip to the content", "fr": "Aller au contenu", "de": "Zum Inhalt springen",
             "es": "Saltar al contenido", "pt": "Saltar para o conteúdo", "zh": "跳到内容", "ja": "本文へ移動",
             "ar": "انتقل إلى المحتوى"},
    "what_you_will_learn": {"en": "What you will learn", "fr": "Ce que vous allez apprendre",
                            "de": "Was Sie lernen werden", "es": "Lo que aprenderás", "pt": "O que vai aprender",
                            "zh": "你将学到什么", "ja": "学ぶこと", "ar": "ما ستتعلمه"},
    "pathway": {"en": "Pathway: {title}", "fr": "Parcours : {title}", "de": "Lernpfad: {title}",
                "es": "Itinerario: {title}", "pt": "Percurso: {title}", "zh": "学习路径：{title}",
                "ja": "学習パス: {title}", "ar": "المسار: {title}"},
    "more_examples": {"en": "More code examples", "fr": "Autres exemples de code", "de": "Weitere Codebeispiele",
                      "es": "Más ejemplos de código", "pt": "Mais exemplos de código", "zh": "更多代码示例",
                      "ja": "その他のコード例", "ar": "أمثلة برمجية أخرى"},
    "correct": {"en": "Correct.", "fr": "Correct.", "de": "Richtig.", "es": "Correcto.", "pt": "Correto.",
                "zh": "正确。", "ja": "正解です。", "ar": "صحيح."},
    "not_quite": {"en": "Not quite: the answer is shown below.", "fr": "Pas tout à fait : la réponse est ci-dessous.",
                  "de": "Nicht ganz: Die Antwort steht unten.", "es": "No del todo: la respuesta está abajo.",
                  "pt": "Não exatamente: a resposta está abaixo.", "zh": "不完全正确：答案见下方。",
                  "ja": "惜しい：答えは下にあります。", "ar": "ليس تمامًا: الإجابة معروضة أدناه."},
    "choose_first": {"en": "Choose an answer first.", "fr": "Choisissez d'abord une réponse.",
                     "de": "Wählen Sie zuerst eine Antwort.", "es": "Elige primero una respuesta.",
                     "pt": "Escolha primeiro uma resposta.", "zh": "请先选择一个答案。", "ja": "まず答えを選んでください。",
                     "ar": "اختر إجابة أولًا."},
    "save_and_leave": {"en": "Save and leave", "fr": "Enregistrer et quitter", "de": "Speichern und verlassen",
                       "es": "Guardar y salir", "pt": "Guardar e sair", "zh": "保存并离开", "ja": "保存して終了",
                       "ar": "احفظ وغادر"},
    "place_saved": {"en": "Your place is saved: you may close this window.",
                    "fr": "Votre progression est enregistrée : vous pouvez fermer cette fenêtre.",
                    "de": "Ihr Fortschritt ist gespeichert: Sie können dieses Fenster schließen.",
                    "es": "Tu progreso está guardado: puedes cerrar esta ventana.",
                    "pt": "O seu progresso está guardado: pode fechar esta janela.",
                    "zh": "你的进度已保存：可以关闭此窗口。", "ja": "進み具合を保存しました。このウィンドウを閉じてかまいません。",
                    "ar": "تم حفظ موضعك: يمكنك إغلاق هذه النافذة."},
    # The names of the landmarks a screen reader lists (navigation, the sidebar, the front matter).
    "module_navigation": {"en": "Module navigation", "fr": "Navigation entre les modules", "de": "Modulnavigation",
                          "es": "Navegación entre módulos", "pt": "Navegação entre módulos", "zh": "模块导航",
                          "ja": "モジュールのナビゲーション", "ar": "التنقل بين الوحدات"},
    "module_navigation_end": {"en": "Module navigation, end of the module",
                              "fr": "Navigation entre les modules, fin du module",
                              "de": "Modulnavigation, Ende des Moduls", "es": "Navegación entre módulos, final del módulo",
                              "pt": "Navegação entre módulos, fim do módulo", "zh": "模块导航（模块末尾）",
                              "ja": "モジュールのナビゲーション（モジュールの終わり）", "ar": "التنقل بين الوحدات، نهاية الوحدة"},
    "course_navigation": {"en": "Course navigation", "fr": "Navigation dans le cours", "de": "Kursnavigation",
                          "es": "Navegación del curso", "pt": "Navegação do curso", "zh": "课程导航",
                          "ja": "コースのナビゲーション", "ar": "التنقل في الدورة"},
    "course_contents": {"en": "Course contents", "fr": "Contenu du cours", "de": "Kursinhalt",
                        "es": "Contenido del curso", "pt": "Conteúdo do curso", "zh": "课程内容", "ja": "コースの内容",
                        "ar": "محتويات الدورة"},
    "about_course": {"en": "About this course", "fr": "À propos de ce cours", "de": "Über diesen Kurs",
                     "es": "Acerca de este curso", "pt": "Sobre este curso", "zh": "关于本课程", "ja": "このコースについて",
                     "ar": "حول هذه الدورة"},
    "last_module": {"en": "This is the last module of the course.", "fr": "C'est le dernier module du cours.",
                    "de": "Dies ist das letzte Modul des Kurses.", "es": "Este es el último módulo del curso.",
                    "pt": "Este é o último módulo do curso.", "zh": "这是本课程的最后一个模块。",
                    "ja": "これがコースの最後のモジュールです。", "ar": "هذه هي الوحدة الأخيرة من الدورة."},
    # Said when the text stayed in the sources' language: offline, or where the model did not write the asked one.
    "content_language": {
        "en": "This course's text is in {content}, the language of its sources: {asked} was asked, and it was "
              "not written by a model in {asked}.",
        "fr": "Le texte de ce cours est en {content}, la langue de ses sources : le {asked} était demandé, "
              "et aucun modèle ne l'a écrit en {asked}.",
        "de": "Der Text dieses Kurses ist auf {content}, der Sprache seiner Quellen: {asked} war verlangt, "
              "und kein Modell hat ihn auf {asked} geschrieben.",
        "es": "El texto de este curso está en {content}, el idioma de sus fuentes: se pidió {asked}, "
              "y ningún modelo lo escribió en {asked}.",
        "pt": "O texto deste curso está em {content}, a língua das suas fontes: foi pedido {asked}, "
              "e nenhum modelo o escreveu em {asked}.",
        "zh": "本课程的文本使用其来源的语言（{content}）：要求的是{asked}，但没有模型用{asked}撰写。",
        "ja": "このコースの本文はソースの言語（{content}）のままです。{asked}が指定されましたが、モデルは{asked}で書いていません。",
        "ar": "نص هذه الدورة باللغة {content}، لغة مصادرها: طُلبت {asked}، ولم يكتبه نموذج بـ{asked}.",
    },
}
TABLE: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {key: MappingProxyType(texts) for key, texts in _TABLE.items()})


def label_language(tag: str | None) -> str:
    """The language of the table a course with language `tag` is labelled in (English when the
    table has none of its language)."""
    found = base(tag)
    return found if found in LANGUAGES else DEFAULT


def label(tag: str | None, key: str, **values: object) -> str:
    text = TABLE[key][label_language(tag)]
    return text.format(**values) if values else text


def language_name(tag: str | None) -> str:
    """The language's name in itself where the table knows it, else its tag."""
    return NAMES.get(base(tag), tag or "")


class Labels:
    """A course's labels and its page attributes: `labels.summary`, `labels("module_of", n=1, total=3)`,
    `labels.lang`, `labels.dir`."""

    def __init__(self, tag: str | None) -> None:
        self.lang = tag or DEFAULT
        self.dir = direction(tag)
        self._in = label_language(tag)

    def __getattr__(self, key: str) -> str:
        try:
            return TABLE[key][self._in]
        except KeyError:
            raise AttributeError(key) from None

    def __call__(self, key: str, **values: object) -> str:
        return TABLE[key][self._in].format(**values)

    def html_attributes(self) -> str:
        """` lang="…" dir="…"` for an <html> element."""
        return f' lang="{escape(self.lang)}" dir="{self.dir}"'


def content_language_note(language: str | None, content_language: str | None) -> str:
    """The note a course shows when its text is not in its language ("" when it is, or unknown)."""
    if not language or not content_language or base(language) == base(content_language):
        return ""
    return label(language, "content_language", content=language_name(content_language),
                 asked=language_name(language))


def table_for_web() -> dict:
    """The whole table as the web reader loads it."""
    return {"languages": list(LANGUAGES), "default": DEFAULT, "names": NAMES,
            "labels": {key: dict(texts) for key, texts in TABLE.items()}}


def language_fields(language: str | None, content_language: str | None) -> dict:
    """What an answer about a generated course says of its language: the course's, its text's, the
    direction to show it in, and the note when the text is not in the course's language."""
    return {"language": language, "content_language": content_language,
            "dir": direction(language),
            "language_note": content_language_note(language, content_language) or None}

