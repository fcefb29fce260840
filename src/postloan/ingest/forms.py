from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from postloan.ingest.uploads import UPLOAD_SUFFIXES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(sorted(UPLOAD_SUFFIXES))})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("数据文件"),
        help_text=gettext_lazy(
            "可多选：每张表一个 CSV / XLSX / Parquet 文件（文件名为表名），"
            "或一个按表分工作表的 XLSX 工作簿，或一个包含整个文件夹的 ZIP 压缩包。"
        ),
    )
    as_of = forms.DateField(
        label=gettext_lazy("数据日期"),
        required=False,
        input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("留空则取本批流水/余额的最新日期。"),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.POSTLOAN_UPLOAD_MAX_BYTES
        for f in files:
            suffix = Path(f.name).suffix.lower()
            if suffix not in UPLOAD_SUFFIXES:
                raise forms.ValidationError(
                    gettext(
                        "不支持的文件类型：%(name)s。只接受 CSV、XLSX、Parquet 文件或 ZIP 压缩包。"
                    )
                    % {"name": f.name}
                )
        zips = [f for f in files if Path(f.name).suffix.lower() == ".zip"]
        if zips and len(files) > 1:
            raise forms.ValidationError(gettext("上传 ZIP 压缩包时请只选择这一个文件。"))
        total = sum(f.size for f in files)
        if total > limit:
            raise forms.ValidationError(
                gettext("上传文件过大：合计 %(total)s MB，上限 %(limit)s MB。")
                % {"total": f"{total / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:.0f}"}
            )
        return files
