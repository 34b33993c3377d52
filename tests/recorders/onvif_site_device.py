"""A loopback ONVIF device with Profile S (media profiles, stream URIs, device information) on
top of the Profile G device of tests/rtsp/onvif_soap.py, for the whole-site test: one device
that onvif-zeep-async lists, streams live from and replays from, all on 127.0.0.1 (ipycam needs
a network namespace and has no Profile G). Answers follow the ONVIF Media (ver10) shapes."""

from __future__ import annotations

from dataclasses import dataclass

from tests.rtsp.onvif_soap import _ENV, OnvifDevice

NS_MEDIA = "http://www.onvif.org/ver10/media/wsdl"
_TRT = f'xmlns:trt="{NS_MEDIA}"'


def _profile(token: str, width: int, height: int) -> str:
    return (f'<trt:Profiles token="{token}" fixed="true"><tt:Name>{token}</tt:Name>'
            '<tt:VideoSourceConfiguration token="vsc1"><tt:Name>vsc1</tt:Name>'
            '<tt:UseCount>2</tt:UseCount><tt:SourceToken>vs1</tt:SourceToken>'
            '<tt:Bounds x="0" y="0" width="640" height="360"/></tt:VideoSourceConfiguration>'
            f'<tt:VideoEncoderConfiguration token="enc-{token}"><tt:Name>enc-{token}</tt:Name>'
            '<tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding><tt:Resolution>'
            f'<tt:Width>{width}</tt:Width><tt:Height>{height}</tt:Height></tt:Resolution>'
            '<tt:Quality>5</tt:Quality></tt:VideoEncoderConfiguration></trt:Profiles>')


@dataclass
class OnvifSiteDevice(OnvifDevice):
    """Profile S + G. ``live_uri`` is what GetStreamUri answers (any profile)."""

    live_uri: str = ""

    def answer(self, body: str) -> tuple[int, str]:
        # zeep writes ``soap-env:`` prefixes, which the base device's \w+ pattern misses.
        status, text = super().answer(body.replace("soap-env:", "s:"))
        name = self.calls[-1] if self.calls else ""
        if status != 200 and not ("ActionNotSupported" in text or name == "GetServices"):
            return status, text  # refused credentials stay refused
        base = f"http://127.0.0.1:{self.port}/onvif"
        if name == "GetServices":
            media = (f"<tds:Service><tds:Namespace>{NS_MEDIA}</tds:Namespace><tds:XAddr>"
                     f"{base}/media_service</tds:XAddr><tds:Version><tt:Major>2</tt:Major>"
                     "<tt:Minor>40</tt:Minor></tds:Version></tds:Service>")
            return status, text.replace("</tds:GetServicesResponse>",
                                        media + "</tds:GetServicesResponse>")
        env = _ENV.replace('xmlns:tt=', f"{_TRT} xmlns:tt=")
        if name == "GetProfiles":
            return 200, env.format("<trt:GetProfilesResponse>" + _profile("main", 640, 360)
                                   + _profile("sub", 320, 192) + "</trt:GetProfilesResponse>")
        if name == "GetStreamUri":
            return 200, env.format(
                f"<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>{self.live_uri}</tt:Uri>"
                "<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>"
                "false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri>"
                "</trt:GetStreamUriResponse>")
        if name == "GetDeviceInformation":
            return 200, _ENV.format(
                "<tds:GetDeviceInformationResponse><tds:Manufacturer>CSU-Test</tds:Manufacturer>"
                "<tds:Model>NVR-G</tds:Model><tds:FirmwareVersion>1.0</tds:FirmwareVersion>"
                "<tds:SerialNumber>1</tds:SerialNumber><tds:HardwareId>1</tds:HardwareId>"
                "</tds:GetDeviceInformationResponse>")
        return status, text
